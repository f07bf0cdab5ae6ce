/* 无障碍浏览 / 长者模式 and the phone menu of the zhanqun government theme.
 *
 * Local, dependency-free, no network: text size (three steps), high contrast, wider line
 * spacing, read-aloud of the main content through the browser's own speechSynthesis, and the
 * column menu button on phones. Settings are kept in localStorage so they follow the visitor
 * from page to page. Loaded in <head> (not deferred) so a remembered setting applies before the
 * first paint; the controls are wired once the document is parsed. Every control is a native
 * <button>, so Enter, Space and screen readers work without extra code. Without JavaScript the
 * controls stay hidden (.needs-js) and the menu shows all columns: every page still works.
 */
(function () {
  "use strict";
  var KEY = "zq-a11y";
  var SIZES = 3;
  var root = document.documentElement;
  var state = { size: 0, contrast: false, spacing: false, elder: false, panel: false };

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      for (var name in state) {
        if (Object.prototype.hasOwnProperty.call(saved, name)) state[name] = saved[name];
      }
      state.size = Math.max(0, Math.min(SIZES - 1, parseInt(state.size, 10) || 0));
    } catch (e) { /* storage disabled: settings last for this page only */ }
  }

  function save() {
    try { window.localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* see load */ }
  }

  function toggleClass(name, on) {
    if (on) root.classList.add(name); else root.classList.remove(name);
  }

  function apply() {
    for (var n = 1; n < SIZES; n++) toggleClass("zq-size-" + n, state.size === n);
    toggleClass("zq-contrast", !!state.contrast);
    toggleClass("zq-spacing", !!state.spacing);
    toggleClass("zq-elder", !!state.elder);
    if (!document.body) return;
    each("[data-a11y-size]", function (button) {
      button.setAttribute("aria-pressed", String(Number(button.getAttribute("data-a11y-size")) === state.size));
    });
    pressed("contrast", state.contrast);
    pressed("spacing", state.spacing);
    pressed("elder", state.elder);
    var panel = document.getElementById("a11y-panel");
    if (panel) panel.hidden = !state.panel;
    each('[data-a11y="panel"]', function (button) { button.setAttribute("aria-expanded", String(!!state.panel)); });
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function pressed(name, on) {
    each('[data-a11y="' + name + '"]', function (button) { button.setAttribute("aria-pressed", String(!!on)); });
  }

  /* Read-aloud: the main content, in sentence-sized pieces (long utterances stop early in
     some browsers), in Chinese, a little slower than the default. */
  var reading = false;

  function readButtons(label) {
    each('[data-a11y="read"]', function (button) {
      if (!button.getAttribute("data-start-label")) button.setAttribute("data-start-label", button.textContent);
      button.textContent = label || button.getAttribute("data-start-label");
    });
  }

  function stopReading() {
    reading = false;
    if (window.speechSynthesis) window.speechSynthesis.cancel();
    readButtons(null);
  }

  function startReading(button) {
    var main = document.querySelector(".item-body") || document.getElementById("main");
    if (!main || !window.speechSynthesis) return;
    var text = (main.innerText || main.textContent || "").replace(/\s+/g, " ").trim();
    var title = document.querySelector("#main h1");
    if (title && main.className === "item-body") text = title.textContent.trim() + "。" + text;
    var pieces = text.match(/[^。！？!?；;]{1,180}[。！？!?；;]?/g) || [];
    if (!pieces.length) return;
    window.speechSynthesis.cancel();
    reading = true;
    readButtons(button.getAttribute("data-stop-label") || "停止朗读");
    pieces.forEach(function (piece, n) {
      var utterance = new window.SpeechSynthesisUtterance(piece);
      utterance.lang = "zh-CN";
      utterance.rate = 0.9;
      if (n === pieces.length - 1) utterance.onend = function () { if (reading) stopReading(); };
      window.speechSynthesis.speak(utterance);
    });
  }

  function onClick(event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    if (!button) return;
    var size = button.getAttribute("data-a11y-size");
    var action = button.getAttribute("data-a11y");
    if (size !== null) {
      state.size = Number(size);
    } else if (action === "contrast" || action === "spacing") {
      state[action] = !state[action];
    } else if (action === "elder") {
      state.elder = !state.elder;
      state.size = state.elder ? Math.max(state.size, 1) : 0;
      state.spacing = state.elder;
    } else if (action === "panel") {
      state.panel = !state.panel;
    } else if (action === "close") {
      state.panel = false;
      var opener = document.querySelector('[data-a11y="panel"]');
      if (opener) opener.focus();
    } else if (action === "reset") {
      state.size = 0; state.contrast = false; state.spacing = false; state.elder = false;
      stopReading();
    } else if (action === "read") {
      if (reading) stopReading(); else startReading(button);
      return;
    } else if (action === "print") {
      window.print();
      return;
    } else if (button.classList.contains("nav-toggle")) {
      setMenu(button, button.getAttribute("aria-expanded") !== "true");
      return;
    } else {
      return;
    }
    save();
    apply();
  }

  /* The column menu on phones: a button that shows and hides the list (aria-expanded); the
     stylesheet hides the list only while the button is visible and collapsed. Escape closes it
     and returns the focus to the button. */
  function setMenu(button, open) {
    button.setAttribute("aria-expanded", String(open));
    var nav = button.closest("nav");
    if (nav) toggleClassOn(nav, "is-open", open);
  }

  function toggleClassOn(element, name, on) {
    if (on) element.classList.add(name); else element.classList.remove(name);
  }

  function onKey(event) {
    if (event.key !== "Escape") return;
    var nav = event.target.closest ? event.target.closest(".column-nav.is-open") : null;
    if (!nav) return;
    var button = nav.querySelector(".nav-toggle");
    if (button) { setMenu(button, false); button.focus(); }
  }

  function ready() {
    each('[data-a11y="read"]', function (button) { button.hidden = !("speechSynthesis" in window); });
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKey);
    window.addEventListener("pagehide", function () { if (reading) stopReading(); });
    apply();
  }

  root.classList.add("zq-js");
  load();
  apply();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
