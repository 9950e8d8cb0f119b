// Jiguan — the little script the pages use. Everything works without it; it only adds
// confirmation dialogs for destructive actions and print buttons.
"use strict";
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  var msg = form && form.getAttribute && form.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) {
    ev.preventDefault();
  }
}, true);
document.addEventListener("click", function (ev) {
  var t = ev.target;
  if (t && t.classList && t.classList.contains("js-print")) {
    window.print();
  }
});
// A filter box above each long select (data-search: its placeholder): typing hides the
// options that do not contain the text (民族, 职级 …).
(function () {
  var selects = document.querySelectorAll("select[data-search]");
  Array.prototype.forEach.call(selects, function (sel) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-filter";
    box.placeholder = sel.getAttribute("data-search");
    box.setAttribute("aria-label", sel.getAttribute("data-search"));
    box.setAttribute("aria-controls", sel.id);
    sel.parentNode.insertBefore(box, sel);
    box.addEventListener("input", function () {
      var q = box.value.trim();
      var first = null;
      Array.prototype.forEach.call(sel.options, function (o) {
        var show = !q || o.value === "" || o.text.indexOf(q) >= 0 || o.selected;
        o.hidden = !show;
        if (show && !first && o.value !== "" && o.text.indexOf(q) >= 0) {
          first = o;
        }
      });
      if (q && first && (!sel.value || sel.options[sel.selectedIndex].text.indexOf(q) < 0)) {
        first.selected = true;
      }
    });
  });
})();
// A filter box for a table (data-filter-table: the table's id): typing hides the rows
// whose text does not contain it (数据字典).
(function () {
  var boxes = document.querySelectorAll("input[data-filter-table]");
  Array.prototype.forEach.call(boxes, function (box) {
    var table = document.getElementById(box.getAttribute("data-filter-table"));
    if (!table) {
      return;
    }
    box.addEventListener("input", function () {
      var q = box.value.trim();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
        tr.hidden = q !== "" && tr.textContent.indexOf(q) < 0;
      });
    });
  });
})();
