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
