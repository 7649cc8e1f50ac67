/* kvlens site script: a classic script (no modules, no fetch), so pages
   work from file://. Light/dark choice remembered per browser; every
   "show the calculation" box opens for printing and closes again after;
   the popovers of numbers and terms (.kvn): CSS shows them on hover and
   focus, this script opens them on a tap, closes them with Escape and
   keeps them inside the window. */
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

  /* Popovers: a number's derivation, a term's definition. */
  function place(box) {
    var why = box.querySelector(".kvn-why");
    if (!why) { return; }
    why.style.left = "";
    box.classList.remove("above");
    var r = why.getBoundingClientRect();
    var over = r.right - (document.documentElement.clientWidth - 8);
    if (over > 0) { why.style.left = (-Math.min(over, r.left - 8)) + "px"; }
    // Below the number when it fits in the window, else above it.
    if (r.bottom > window.innerHeight - 8 && r.height < box.getBoundingClientRect().top - 8) {
      box.classList.add("above");
    }
  }
  function closeAll(except) {
    var open = document.querySelectorAll(".kvn.open");
    for (var i = 0; i < open.length; i++) {
      if (open[i] !== except) { open[i].classList.remove("open"); }
    }
  }
  var lastPointer = "mouse";
  document.addEventListener("pointerdown", function (ev) {
    lastPointer = ev.pointerType || "mouse";
    if (!ev.target.closest || !ev.target.closest(".kvn")) { closeAll(null); }
  });
  document.addEventListener("click", function (ev) {
    var box = ev.target.closest ? ev.target.closest(".kvn") : null;
    if (!box || ev.target.closest(".kvn-why")) { return; }
    var term = ev.target.closest("a.term");
    // A tap on a term shows its definition first; a second tap follows the link.
    if (term && (lastPointer !== "touch" || box.classList.contains("open"))) { return; }
    if (term) { ev.preventDefault(); }
    closeAll(box);
    box.classList.remove("shut");
    box.classList.toggle("open");
    place(box);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    var shown = document.querySelectorAll(".kvn.open, .kvn:hover, .kvn:focus-within");
    for (var i = 0; i < shown.length; i++) {
      // Focus inside the box (its link) goes back to the number first.
      var why = shown[i].querySelector(".kvn-why");
      if (why && why.contains(document.activeElement)) {
        shown[i].querySelector(".kvn-num, a.term").focus();
      }
      shown[i].classList.remove("open");
      shown[i].classList.add("shut");
    }
  });
  function reopen(ev) {
    var box = ev.target.closest ? ev.target.closest(".kvn") : null;
    if (box && !box.contains(ev.relatedTarget)) { box.classList.remove("shut"); }
  }
  document.addEventListener("focusout", reopen);
  document.addEventListener("mouseout", reopen);
  function show(ev) {
    var box = ev.target.closest ? ev.target.closest(".kvn") : null;
    if (box && !box.contains(ev.relatedTarget)) { place(box); }
  }
  document.addEventListener("focusin", show);
  document.addEventListener("mouseover", show);

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
