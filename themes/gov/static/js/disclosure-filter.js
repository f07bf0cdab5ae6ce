/* 法定主动公开内容: optional filtering of the directory tables by title/文号 and 有效性.
   The page works without this script (all rows are shown); the form stays hidden without it. */
(function () {
  "use strict";
  var form = document.querySelector(".directory-filter");
  if (!form) { return; }
  var query = form.querySelector("#directory-query");
  var validity = form.querySelector("#directory-validity");
  var count = form.querySelector(".directory-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll(".directory-table tr[data-validity]"));
  function apply() {
    var words = query.value.trim().toLowerCase();
    var wanted = validity.value;
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!wanted || row.getAttribute("data-validity") === wanted) &&
               (!words || row.textContent.toLowerCase().indexOf(words) !== -1);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.querySelectorAll(".directory-table tbody").forEach(function (body) {
      body.hidden = !body.querySelector("tr[data-validity]:not([hidden])");
    });
    document.querySelectorAll(".directory-group").forEach(function (group) {
      group.hidden = !group.querySelector("tr[data-validity]:not([hidden])");
    });
    count.textContent = (words || wanted) ? "筛选出 " + shown + " 件" : "";
  }
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  query.addEventListener("input", apply);
  validity.addEventListener("change", apply);
}());
