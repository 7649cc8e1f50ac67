/* kvlens site script: a classic script (no modules, no fetch), so pages
   work from file://. Light/dark choice remembered per browser; every
   "show the calculation" box opens for printing and closes again after. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "kvlens-theme";
  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(v) {
    try { window.localStorage.setItem(KEY, v); } catch (e) { /* private mode: not remembered */ }
  }
  var saved = stored();
  if (saved === "light" || saved === "dark") { root.setAttribute("data-theme", saved); }

  function current() {
    var t = root.getAttribute("data-theme");
    if (t) { return t; }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll(".theme-toggle");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        var next = current() === "dark" ? "light" : "dark";
        root.setAttribute("data-theme", next);
        store(next);
      });
    }
  });

  var opened = [];
  window.addEventListener("beforeprint", function () {
    var boxes = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < boxes.length; i++) { boxes[i].open = true; opened.push(boxes[i]); }
  });
  window.addEventListener("afterprint", function () {
    for (var i = 0; i < opened.length; i++) { opened[i].open = false; }
    opened = [];
  });
})();
