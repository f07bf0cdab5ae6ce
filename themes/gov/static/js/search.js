/* 站内搜索 and 站群搜索 of the zhanqun government theme (search.html of every site).
 *
 * The page's form names the site's Pagefind bundle (data-bundle); on the portal its 网站 list names
 * every site's bundle too, and they are merged in the browser (pagefind.mergeIndex), each with a
 * synthetic 站点 filter (mergeFilter), so one query searches the whole cluster and the list filters
 * by site. Before merging, each site's bundle is asked for its entry and meta files: a site whose
 * bundle cannot be reached (its server down, no CORS header) is left out and named, and the others
 * are searched. Results show title, site, column, date, 文号 and the excerpt. Pagefind orders merged
 * results per index, not across them, so "按日期" loads every result's data and sorts by its date.
 *
 * Text from the index is only ever inserted as text (the excerpt's <mark> tags are rebuilt as
 * elements), never as HTML, and a result whose address is not inside a searched site's is left out. Loaded with defer from the theme's own folder: no inline script, so the
 * sites' CSP can be script-src 'self' 'wasm-unsafe-eval'.
 */
(function () {
  "use strict";
  var PAGE = 10; // results shown at a time
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("search-q");
  var siteSelect = document.getElementById("search-site");
  var columnSelect = document.getElementById("search-column");
  var sortSelect = document.getElementById("search-sort");
  var statusLine = document.getElementById("search-status");
  var unreachableLine = document.getElementById("search-unreachable");
  var list = document.getElementById("search-results");
  var moreButton = document.getElementById("search-more");
  var ownBundle = form.getAttribute("data-bundle");
  var ownName = form.getAttribute("data-site");
  var ownUrl = form.getAttribute("data-site-url");

  var pagefindReady = null; // a promise of the pagefind module, once merged
  var sites = []; // {name, url, bundle} of every site searched (cluster search), own site included
  var shown = { results: [], next: 0, query: "", generation: 0 };

  function setStatus(text) { statusLine.textContent = text; }

  function siteList() {
    if (!siteSelect) return [{ name: ownName, url: ownUrl, bundle: ownBundle }];
    var found = [];
    for (var i = 0; i < siteSelect.options.length; i++) {
      var option = siteSelect.options[i];
      if (option.value) found.push({ name: option.value, url: option.getAttribute("data-url"), bundle: option.getAttribute("data-bundle") });
    }
    return found;
  }

  /* Whether a site's bundle answers: its entry file, then the meta file it names (what mergeIndex
   * loads). Pagefind would otherwise fail every search when one merged bundle is unreachable. */
  function reachable(site) {
    return fetch(site.bundle + "pagefind-entry.json", { mode: "cors", cache: "no-cache" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (entry) {
        var languages = Object.keys(entry.languages || {});
        if (!languages.length) return true; // an empty bundle: nothing to merge, nothing broken
        var hash = entry.languages[languages[0]].hash;
        return fetch(site.bundle + "pagefind." + hash + ".pf_meta", { mode: "cors" }).then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return true;
        });
      })
      .catch(function () { return false; });
  }

  function loadPagefind() {
    if (pagefindReady) return pagefindReady;
    sites = siteList();
    pagefindReady = import(ownBundle + "pagefind.js").then(function (pagefind) {
      // baseUrl: results link the site's address for the target built (/<id>/ in preview, its own host in production)
      return pagefind.options({ basePath: ownBundle, baseUrl: ownUrl, mergeFilter: { "站点": ownName } }).then(function () {
        var others = sites.filter(function (site) { return site.bundle !== ownBundle; });
        return Promise.all(others.map(reachable)).then(function (answers) {
          var missing = [];
          var merges = [];
          others.forEach(function (site, i) {
            if (answers[i]) merges.push(pagefind.mergeIndex(site.bundle, { baseUrl: site.url, mergeFilter: { "站点": site.name } }));
            else missing.push(site.name);
          });
          if (missing.length) {
            unreachableLine.textContent = "以下网站暂时无法搜索，本次结果不含这些网站：" + missing.join("、") + "。";
            unreachableLine.hidden = false;
          }
          return Promise.all(merges);
        });
      }).then(function () { return fillColumns(pagefind); }).then(function () { return pagefind; });
    });
    return pagefindReady;
  }

  function fillColumns(pagefind) {
    return pagefind.filters().then(function (filters) {
      var names = Object.keys((filters && filters["栏目"]) || {}).sort(function (a, b) { return a.localeCompare(b, "zh-CN"); });
      var wanted = new URLSearchParams(window.location.search).get("column") || columnSelect.value;
      names.forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        option.textContent = name;
        columnSelect.appendChild(option);
      });
      if (wanted && names.indexOf(wanted) >= 0) columnSelect.value = wanted;
    });
  }

  /* The site a result belongs to: the searched site whose address is the longest start of its URL
   * (null when none is: Pagefind passes a fragment's absolute address through as it is). */
  function siteFor(url) {
    var best = null;
    sites.forEach(function (site) {
      if (site.url && String(url).indexOf(site.url) === 0 && (!best || site.url.length > best.url.length)) best = site;
    });
    return best;
  }

  function siteOf(url) {
    var best = siteFor(url);
    return best ? best.name : ownName;
  }

  /* The excerpt's text with Pagefind's <mark> kept as elements and everything else as text. */
  function excerptNode(excerpt) {
    var paragraph = document.createElement("p");
    paragraph.className = "search-result-excerpt";
    var parts = String(excerpt || "").split(/<mark>|<\/mark>/);
    parts.forEach(function (part, i) {
      var text = new DOMParser().parseFromString("<body>" + part.replace(/</g, "&lt;") + "</body>", "text/html").body.textContent;
      if (!text) return;
      if (i % 2 === 1) {
        var mark = document.createElement("mark");
        mark.textContent = text;
        paragraph.appendChild(mark);
      } else {
        paragraph.appendChild(document.createTextNode(text));
      }
    });
    return paragraph;
  }

  function metaPart(label, value) {
    var span = document.createElement("span");
    span.textContent = label + value;
    return span;
  }

  function resultNode(data) {
    var meta = data.meta || {};
    var item = document.createElement("li");
    item.className = "search-result";
    var title = document.createElement("h2");
    title.className = "search-result-title";
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = meta.title || data.url;
    title.appendChild(link);
    item.appendChild(title);
    var line = document.createElement("p");
    line.className = "search-result-meta";
    if (sites.length > 1) line.appendChild(metaPart("网站：", siteOf(data.url)));
    if (meta.column) line.appendChild(metaPart("栏目：", meta.column));
    if (meta.date) {
      var time = document.createElement("span");
      time.textContent = "日期：";
      var stamp = document.createElement("time");
      stamp.dateTime = meta.date;
      stamp.textContent = meta.date;
      time.appendChild(stamp);
      line.appendChild(time);
    }
    if (meta.docno) line.appendChild(metaPart("文号：", meta.docno));
    item.appendChild(line);
    item.appendChild(excerptNode(data.excerpt));
    return item;
  }

  function showMore() {
    var generation = shown.generation;
    var batch = shown.results.slice(shown.next, shown.next + PAGE);
    shown.next += batch.length;
    return Promise.all(batch.map(function (result) { return result.data ? result.data() : result; })).then(function (datas) {
      if (generation !== shown.generation) return;
      // a result links only into a site searched: a bundle changed on the way (a county's, fetched
      // from its own host) cannot make the portal's search link elsewhere under the portal's name
      datas.forEach(function (data) { if (siteFor(data.url)) list.appendChild(resultNode(data)); });
      moreButton.hidden = shown.next >= shown.results.length;
    });
  }

  /* Every result's data, newest first (results without a date last, in Pagefind's order). */
  function sortedByDate(results) {
    return Promise.all(results.map(function (result) { return result.data(); })).then(function (datas) {
      var order = datas.map(function (data, i) { return { data: data, i: i, date: (data.meta && data.meta.date) || "" }; });
      order.sort(function (a, b) { return a.date === b.date ? a.i - b.i : (a.date < b.date ? 1 : -1); });
      return order.map(function (entry) { return entry.data; });
    });
  }

  function run() {
    var query = input.value.trim();
    var generation = ++shown.generation;
    list.textContent = "";
    moreButton.hidden = true;
    if (!query) { setStatus("请输入搜索词。"); return Promise.resolve(); }
    setStatus("正在搜索……");
    return loadPagefind().then(function (pagefind) {
      var filters = {};
      if (siteSelect && siteSelect.value) filters["站点"] = siteSelect.value;
      if (columnSelect.value) filters["栏目"] = columnSelect.value;
      return pagefind.search(query, { filters: filters }).then(function (search) {
        if (generation !== shown.generation) return null;
        var results = (search && search.results) || [];
        var byDate = sortSelect.value === "date";
        return (byDate ? sortedByDate(results) : Promise.resolve(results)).then(function (ordered) {
          if (generation !== shown.generation) return;
          shown.results = ordered;
          shown.next = 0;
          shown.query = query;
          setStatus(ordered.length ? "找到 " + ordered.length + " 条与“" + query + "”相关的结果" + (byDate ? "，按日期排列。" : "。") : "没有找到与“" + query + "”相关的结果。");
          return showMore();
        });
      });
    }).catch(function () {
      setStatus("搜索暂时无法使用，请稍后再试，或从栏目导航查找信息。");
    });
  }

  function remember() {
    var params = new URLSearchParams();
    params.set("q", input.value.trim());
    if (siteSelect && siteSelect.value) params.set("site", siteSelect.value);
    if (columnSelect.value) params.set("column", columnSelect.value);
    if (sortSelect.value) params.set("sort", sortSelect.value);
    window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    remember();
    run();
  });
  [siteSelect, columnSelect, sortSelect].forEach(function (select) {
    if (select) select.addEventListener("change", function () { if (input.value.trim()) { remember(); run(); } });
  });
  moreButton.addEventListener("click", function () {
    var first = list.children.length;
    showMore().then(function () {
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) link.focus(); // keyboard users continue where the new results start
    });
  });

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  if (siteSelect && params.get("site")) siteSelect.value = params.get("site");
  if (params.get("sort") === "date") sortSelect.value = "date";
  var header = document.getElementById("utility-q");
  if (header && !header.value) header.value = input.value;
  if (input.value.trim()) run();
  else loadPagefind().catch(function () { /* said when a search is made */ });
}());
