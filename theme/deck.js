/* kvlens slide deck: a classic script (no modules, no fetch, no network), so
   a deck works from file:// and offline. One page, four ways to look at it:
   - audience view: one 1280×720 slide at a time, scaled to the window;
   - presenter view (?presenter): current and next slide, notes and timers,
     kept in step with the audience window through postMessage;
   - print: plain printing gives one page per slide; ?print=notes (slide and
     its notes per page) and ?print=handout (six slides per page) lay the
     slides out on A4 or Letter (data-paper on the deck);
   - without JS the slides stack as a readable page (deck.css).
   Test hooks: window.kvDeck.state() and .go(index, fragment); the root
   element gets data-ready="1" once the deck is laid out. */
(function () {
  "use strict";

  var W = 1280, H = 720;              // slide size in CSS px
  var SWIPE = 50;                      // px a swipe must travel
  var PING = 1000;                     // ms between the presenter's pings (reconnects a reloaded slides window)
  var PAPER = { a4: { name: "A4", w: 210, h: 297 }, letter: { name: "letter", w: 215.9, h: 279.4 } }; // portrait, mm
  var PRINT_MARGIN = 12;               // mm on every side
  var HANDOUT_GAP = 8;                 // mm between the handout's columns (deck.css)
  var PX_PER_MM = 96 / 25.4;
  var TIMER_KEY = "kvlens-deck-timer:" + location.pathname;

  // The keys, for the help dialog; `only` limits a key to one view.
  var HELP = [
    { keys: ["→", "Space", "Page Down"], what: "Next fragment or slide" },
    { keys: ["←", "Shift+Space", "Page Up"], what: "Previous fragment or slide" },
    { keys: ["Home", "End"], what: "First or last slide" },
    { keys: ["f"], what: "Full screen on or off" },
    { keys: ["o"], what: "Overview: arrows choose, Enter or a click opens, Esc or o leaves", only: "audience" },
    { keys: ["s"], what: "Open the presenter view in a new window", only: "audience" },
    { keys: ["b", "."], what: "Blank the screen; any key or click brings it back" },
    { keys: ["z"], what: "Zoom the slide's first figure (or click a figure); Esc, z or a click closes", only: "audience" },
    { keys: ["p"], what: "Start or pause the timer", only: "presenter" },
    { keys: ["?"], what: "This help; Esc closes it" }
  ];

  var root = document.documentElement;
  var params = new URLSearchParams(location.search);
  var printMode = params.get("print") === "notes" || params.get("print") === "handout" ? params.get("print") : null;
  var isPresenter = !printMode && params.has("presenter");
  // Set now, from <head>, so the first paint already has the right layout.
  root.classList.add(printMode ? "print-" + printMode : "deck-js");
  if (isPresenter) { root.classList.add("presenter"); }

  var deck = null;          // main.deck
  var slides = [];          // its section.slide elements
  var steps = [];           // per slide: its fragments in document order
  var info = null;          // from #deck-data: sections, planned (minutes), track
  var cur = 0;              // current slide
  var shown = 0;            // fragments revealed on it
  var overview = false;
  var selected = 0;         // the slide chosen in the overview
  var blank = false;
  var dialog = null;        // the open overlay (help or zoom) and its kind
  var dialogKind = null;
  var returnFocus = null;   // focus to restore when the overlay closes
  var peer = null;          // the other window: presenter (from window.open) or audience (opener)
  var blankEl = null, progressEl = null, numberEl = null;
  var ui = null;            // presenter view elements; null in the audience view
  // Presenter: elapsed talk time (ms), whether it runs, when it was last
  // counted, and the time spent in each section while it ran.
  var timer = { elapsed: 0, running: false, since: 0, sections: [] };

  /* ---------- Small helpers ---------- */

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function make(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text) { e.textContent = text; }
    return e;
  }
  function add(parent, tag, className, text) { return parent.appendChild(make(tag, className, text)); }
  /* 75000 → "1:15"; an hour or more → "1:02:03". */
  function fmt(ms) {
    var s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    return (h ? h + ":" + pad(m) : m) + ":" + pad(s % 60);
  }

  /* A deep copy of `node` whose ids all get `prefix`, with the references to
     them inside the copy (url(#…), href="#…", aria-labelledby, <style>)
     renamed alike, so the copy can sit in the page next to the original. */
  function cloneClean(node, prefix) {
    var copy = node.cloneNode(true);
    var all = [copy].concat(Array.prototype.slice.call(copy.querySelectorAll("*")));
    var map = Object.create(null);
    all.forEach(function (e) {
      if (e.id) { map[e.id] = prefix + e.id; e.id = map[e.id]; }
    });
    function ref(m, before, id) { return map[id] ? before + map[id] : m; }
    all.forEach(function (e) {
      each(e.attributes, function (a) {
        var v = a.value, nv = v;
        if (a.name === "id") { return; }
        nv = nv.replace(/(url\(\s*['"]?#)([^'")\s]+)/g, ref);
        if (/(^|:)href$/.test(a.name)) { nv = nv.replace(/^(#)(.+)$/, ref); }
        if (/^(aria-labelledby|aria-describedby|for)$/.test(a.name)) {
          nv = v.split(/\s+/).map(function (t) { return map[t] || t; }).join(" ");
        }
        if (nv !== v) { a.value = nv; }
      });
      if (e.localName === "style") { e.textContent = e.textContent.replace(/(#)([A-Za-z_][\w-]*)/g, ref); }
    });
    return copy;
  }

  /* Scales and centres a 1280×720 box (transform origin: top left) in w×h. */
  function fit(box, w, h) {
    var s = Math.min(w / W, h / H);
    box.style.transform = "translate(" + (w - W * s) / 2 + "px, " + (h - H * s) / 2 + "px) scale(" + s + ")";
  }

  /* The index into info.sections of slide i's section, or null. */
  function sectionOf(i) {
    var n = slides[i] ? parseInt(slides[i].getAttribute("data-section"), 10) : NaN;
    return info.sections[n] ? n : null;
  }

  function readData() {
    var d = null;
    try { d = JSON.parse(document.getElementById("deck-data").textContent); } catch (e) { /* no data: no timing */ }
    d = d || {};
    return {
      sections: Array.isArray(d.sections) ? d.sections : [],
      planned: Number(d.planned_minutes) || 0,
      track: d.track || null,
      guide: typeof d.guide === "string" ? d.guide : null
    };
  }

  /* ---------- Navigation ---------- */

  /* Shows the current slide (all of them in the overview) with its revealed
     fragments, and updates the progress bar, the number and the presenter. */
  function paint() {
    slides.forEach(function (s, i) {
      s.hidden = !overview && i !== cur;
      s.classList.toggle("current", i === cur);
    });
    (steps[cur] || []).forEach(function (f, i) { f.classList.toggle("visible", i < shown); });
    if (progressEl) { progressEl.style.width = (slides.length ? 100 * (cur + 1) / slides.length : 0) + "%"; }
    if (numberEl) { numberEl.textContent = String(slides.length ? cur + 1 : 0); }
    if (ui) { renderPresenter(); }
  }

  /* Moves to slide `index` with `fragment` fragments revealed (both clamped,
     so Infinity reveals all). A move to another slide makes a history entry,
     or replaces the current one with how.replace; how.remote: the state came
     from the other window and is not sent back. */
  function show(index, fragment, how) {
    how = how || {};
    if (!slides.length) { return; }
    index = clamp(Math.floor(Number(index)) || 0, 0, slides.length - 1);
    fragment = clamp(Math.floor(Number(fragment)) || 0, 0, steps[index].length);
    var moved = index !== cur;
    if (moved) {
      tick();                       // time so far belongs to the slide we leave
      closeDialog("zoom");
    }
    cur = index;
    shown = fragment;
    paint();
    if (moved) { setHash(how.replace); }
    if (!how.remote) { send(); }
  }

  function next() {
    if (shown < steps[cur].length) { show(cur, shown + 1); }
    else if (cur < slides.length - 1) { show(cur + 1, 0); }
  }

  function prev() {
    if (shown > 0) { show(cur, shown - 1); }
    else if (cur > 0) { show(cur - 1, Infinity); }
  }

  /* The slide the URL hash names: "#<slide id>" or "#3" (1-based); else the first. */
  function indexFromHash() {
    var h = location.hash.slice(1), i;
    try { h = decodeURIComponent(h); } catch (e) { /* keep it as written */ }
    for (i = 0; i < slides.length; i++) {
      if (slides[i].id === h) { return i; }
    }
    return /^\d+$/.test(h) && +h >= 1 && +h <= slides.length ? +h - 1 : 0;
  }

  /* Puts the current slide's id in the URL; a push makes a history entry. */
  function setHash(replace) {
    var hash = "#" + slides[cur].id;
    if (location.hash === hash) { return; }
    try {
      history[replace ? "replaceState" : "pushState"](null, "", hash);
    } catch (e) {
      if (replace) { location.replace(hash); } else { location.hash = hash; }
    }
  }

  /* Back, forward, or an edited hash: go there. Back from the next slide
     shows this one complete, as the ← key would. */
  function onHashChange() {
    var i = indexFromHash();
    if (i !== cur) { show(i, i === cur - 1 ? Infinity : 0, { replace: true }); }
  }

  /* ---------- Layout ---------- */

  /* Scales the deck to the window (audience) or to its pane (presenter),
     or sizes the overview's thumbnails to the window's width. */
  function layout() {
    if (overview) {
      var cols = clamp(Math.floor(window.innerWidth / 320), 2, 6);
      // The deck's padding (2 × 24px), gaps (20px) and room for a scrollbar.
      var zoom = (window.innerWidth - 48 - 20 * (cols - 1) - 20) / cols / W;
      deck.style.setProperty("--ov-cols", cols);
      deck.style.setProperty("--ov-zoom", Math.max(zoom, 0.05).toFixed(4));
    } else if (ui) {
      fit(deck, ui.current.clientWidth, ui.current.clientHeight);
      if (ui.nextSlide) { fit(ui.nextSlide, ui.next.clientWidth, ui.next.clientHeight); }
    } else {
      fit(deck, window.innerWidth, window.innerHeight);
    }
  }

  /* ---------- Overview ---------- */

  /* Every slide as a thumbnail; the content is inert, the slides themselves
     are the choices (roving tabindex: the selected one is in the tab order). */
  function setOverview(on) {
    if (on === overview || ui) { return; }
    overview = on;
    root.classList.toggle("overview", on);
    slides.forEach(function (s) {
      s.querySelector(".slide-content").inert = on;
      s.classList.remove("selected");
      if (on) { s.tabIndex = -1; } else { s.removeAttribute("tabindex"); }
    });
    paint();
    layout();
    if (on) { select(cur); } else if (document.activeElement && document.activeElement.blur) { document.activeElement.blur(); }
  }

  function select(i) {
    slides[selected].classList.remove("selected");
    slides[selected].tabIndex = -1;
    selected = clamp(i, 0, slides.length - 1);
    slides[selected].classList.add("selected");
    slides[selected].tabIndex = 0;
    slides[selected].focus({ preventScroll: true });
    slides[selected].scrollIntoView({ block: "nearest" });
  }

  /* Leaves the overview on slide i (the current slide keeps its fragments). */
  function openFromOverview(i) {
    setOverview(false);
    show(i, i === cur ? shown : 0);
  }

  function overviewKey(key) {
    var cols = parseInt(deck.style.getPropertyValue("--ov-cols"), 10) || 1;
    switch (key) {
      case "ArrowRight": select(selected + 1); return true;
      case "ArrowLeft": select(selected - 1); return true;
      case "ArrowDown": select(selected + cols); return true;
      case "ArrowUp": select(selected - cols); return true;
      case "Home": select(0); return true;
      case "End": select(slides.length - 1); return true;
      case "Enter": openFromOverview(selected); return true;
      case "Escape": case "o": setOverview(false); return true;
    }
    return false;
  }

  /* ---------- Blank screen, full screen ---------- */

  /* The audience sees black; the presenter sees a red frame and a notice. */
  function setBlank(on, remote) {
    blank = on;
    if (blankEl) { blankEl.hidden = !on; }
    root.classList.toggle("audience-blank", on);
    if (ui) { renderTimes(); }
    if (!remote) { send(); }
  }

  function toggleFullscreen() {
    var p = document.fullscreenElement ? document.exitFullscreen() :
      root.requestFullscreen ? root.requestFullscreen() : null;
    if (p && p.catch) { p.catch(function () { /* refused: stay as we are */ }); }
  }

  /* ---------- Overlays: zoomed figure, help ---------- */

  /* Opens a modal overlay: the rest of the page goes inert, focus moves in. */
  function openDialog(box, kind, focusEl) {
    closeDialog();
    returnFocus = document.activeElement;
    document.body.appendChild(box);
    each(document.body.children, function (c) { if (c !== box) { c.inert = true; } });
    dialog = box;
    dialogKind = kind;
    focusEl.focus();
  }

  /* Closes the open overlay (only if it is of `kind`, when given) and puts focus back. */
  function closeDialog(kind) {
    if (!dialog || (kind && kind !== dialogKind)) { return; }
    each(document.body.children, function (c) { c.inert = false; });
    dialog.remove();
    dialog = dialogKind = null;
    if (returnFocus && returnFocus.focus && document.contains(returnFocus)) { returnFocus.focus(); }
    returnFocus = null;
  }

  /* A figure worth zooming: it holds an image and is not waiting to be revealed. */
  function zoomable(fig) {
    return !!fig.querySelector(":scope > img, :scope > svg") &&
      !fig.closest(".fragment:not(.visible), .fragment-items li:not(.visible), .notes");
  }

  /* z: the slide's first figure that can be zoomed, if any. */
  function zoomFirst() {
    var figs = Array.prototype.filter.call(slides[cur].querySelectorAll("figure"), zoomable);
    if (figs.length) { zoomFigure(figs[0]); }
  }

  function zoomFigure(fig) {
    var box = make("div", "deck-zoom");
    var caption = fig.querySelector("figcaption");
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-label", "Zoomed figure" + (caption ? ": " + caption.textContent.trim() : ""));
    box.tabIndex = -1;
    box.appendChild(cloneClean(fig, "kvzoom-"));
    box.addEventListener("click", function (e) {
      if (!e.target.closest("a")) { closeDialog(); }
    });
    openDialog(box, "zoom", box);
  }

  function openHelp() {
    var box = make("div", "deck-help");
    var panel = add(box, "div", "deck-help-box");
    var table = make("table");
    var close;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "true");
    panel.setAttribute("aria-labelledby", "kvdeck-help-title");
    add(panel, "h2", null, "Keyboard shortcuts").id = "kvdeck-help-title";
    panel.appendChild(table);
    HELP.forEach(function (entry) {
      if (entry.only && entry.only !== (ui ? "presenter" : "audience")) { return; }
      var row = table.insertRow();
      var keys = add(row, "th");
      keys.scope = "row";
      entry.keys.forEach(function (k, i) {
        if (i) { keys.appendChild(document.createTextNode(" ")); }
        add(keys, "kbd", null, k);
      });
      add(row, "td", null, entry.what);
    });
    close = add(panel, "button", "deck-button", "Close");
    close.type = "button";
    close.addEventListener("click", function () { closeDialog(); });
    box.addEventListener("click", function (e) { if (e.target === box) { closeDialog(); } });
    openDialog(box, "help", close);
  }

  /* ---------- The other window ---------- */

  function connected() { return !!peer && !peer.closed; }

  function post(msg) {
    if (connected()) {
      try { peer.postMessage(msg, "*"); } catch (e) { /* window going away */ }
    }
  }

  /* The state both windows share; sent after every local change. */
  function send() { post({ kvlens: "deck", slide: cur, fragment: shown, blank: blank }); }

  /* file:// origins are opaque, so trust the sender window, not the origin.
     A slides window that was reloaded has lost its handle to the presenter:
     it takes the window that greets it (hello on opening, a ping every
     PING ms) as its presenter again. */
  function onMessage(e) {
    var d = e.data;
    if (!d || d.kvlens !== "deck") { return; }
    if (!ui && !connected() && (d.hello || d.ping) && e.source && e.source !== window) { peer = e.source; }
    if (!peer || e.source !== peer) { return; }
    if (d.ping) { return; }
    if (d.hello) { send(); return; }
    if (typeof d.slide === "number") { show(d.slide, d.fragment, { remote: true }); }
    if (typeof d.blank === "boolean" && d.blank !== blank) { setBlank(d.blank, true); }
  }

  /* The presenter view in its own window (or back to the front if open). */
  function openPresenter() {
    if (connected()) { peer.focus(); return; }
    peer = window.open(location.pathname + "?presenter" + location.hash, "kvlens-presenter", "width=1200,height=800");
  }

  /* ---------- Presenter view ---------- */

  function loadTimer() {
    try {
      var t = JSON.parse(window.sessionStorage.getItem(TIMER_KEY));
      if (t && typeof t.elapsed === "number") {
        timer = { elapsed: t.elapsed, running: !!t.running, since: Number(t.since) || Date.now(), sections: Array.isArray(t.sections) ? t.sections : [] };
      }
    } catch (e) { /* nothing stored, or no storage: start at 0:00 */ }
  }

  function saveTimer() {
    try { window.sessionStorage.setItem(TIMER_KEY, JSON.stringify(timer)); } catch (e) { /* not kept */ }
  }

  /* Counts the time since the last tick, for the total and for the current slide's section. */
  function tick() {
    if (!ui || !timer.running) { return; }
    var now = Date.now(), d = Math.max(0, now - timer.since), s = sectionOf(cur);
    timer.since = now;
    timer.elapsed += d;
    if (s !== null) { timer.sections[s] = (timer.sections[s] || 0) + d; }
    saveTimer();
  }

  function toggleTimer() {
    tick();
    timer.running = !timer.running;
    timer.since = Date.now();
    saveTimer();
    renderTimes();
  }

  function resetTimer() {
    timer = { elapsed: 0, running: false, since: Date.now(), sections: [] };
    saveTimer();
    renderTimes();
  }

  /* Builds the presenter page around the deck:
     [current slide | next, timer, section] over [notes | …]. */
  function buildPresenter() {
    var layoutEl = deck.parentNode.insertBefore(make("div", "presenter-layout"), deck);
    var current = add(layoutEl, "div", "presenter-current");
    var notes = add(layoutEl, "section", "presenter-notes");
    var side = add(layoutEl, "aside", "presenter-side");
    var buttons;
    current.appendChild(deck);
    add(notes, "h2", null, "Notes").id = "kvdeck-notes-title";
    notes.setAttribute("aria-labelledby", "kvdeck-notes-title");
    side.setAttribute("aria-label", "Presenter tools");
    add(side, "h2", null, "Next");
    ui = { current: current, notes: add(notes, "div", "presenter-notes-text"), next: add(side, "div", "presenter-next"), nextSlide: null, nextFor: -1 };
    add(side, "h2", null, "Elapsed");
    ui.time = add(side, "p", "presenter-elapsed", "0:00");
    buttons = add(side, "div", "presenter-buttons");
    ui.toggle = add(buttons, "button", "deck-button presenter-toggle", "Start");
    ui.reset = add(buttons, "button", "deck-button presenter-reset", "Reset");
    ui.clock = add(side, "p", "presenter-clock");
    ui.position = add(side, "p", "presenter-position");
    add(side, "h2", null, "Section");
    ui.sectionTitle = add(side, "p", "presenter-section-title");
    ui.sectionTime = add(side, "p", "presenter-section-time");
    ui.total = add(side, "p", "presenter-total");
    ui.status = add(side, "p", "presenter-status");
    if (info.guide) {
      var guide = add(side, "p", "presenter-guide");
      var link = add(guide, "a", null, "Facilitator guide");
      link.href = info.guide;
      link.target = "kvlens-guide";
      link.rel = "noopener";
    }
    ui.status.setAttribute("aria-live", "polite");
    ui.notes.tabIndex = 0;                  // it scrolls: reachable by keyboard
    ui.toggle.type = ui.reset.type = "button";
    ui.toggle.addEventListener("click", toggleTimer);
    ui.reset.addEventListener("click", resetTimer);
    document.title = "Presenter: " + document.title;
  }

  /* After a slide or fragment change: next slide, notes, position, times. */
  function renderPresenter() {
    if (ui.nextFor !== cur) {
      ui.nextFor = cur;
      renderNext();
      ui.notes.textContent = "";
      each(slides[cur].querySelectorAll(".notes"), function (n) {
        var copy = cloneClean(n, "kvnotes-");
        while (copy.firstChild) { ui.notes.appendChild(copy.firstChild); }
      });
      if (!ui.notes.firstChild) { add(ui.notes, "p", null, "No notes for this slide."); }
      /* Where the slide's numbers come from (and what its claims checked):
         for the presenter only, never on the projected slide. */
      var nums = [];
      each(slides[cur].querySelectorAll(".kvn-deck"), function (n) {
        if (!n.closest(".notes")) { nums.push(n); }
      });
      if (nums.length) {
        add(ui.notes, "h3", "presenter-numbers-title", "Where this slide's numbers come from");
        var list = add(ui.notes, "dl", "presenter-numbers");
        each(nums, function (n) {
          add(list, "dt", null, n.classList.contains("kvn-claim") ? "\u2713 checked claim" : n.textContent);
          add(list, "dd", null, n.getAttribute("data-why"));
        });
      }
      ui.notes.scrollTop = 0;
    }
    ui.position.textContent = "Slide " + (cur + 1) + " / " + slides.length +
      (steps[cur].length ? " · step " + shown + " of " + steps[cur].length : "");
    renderTimes();
  }

  /* The next slide, complete, as a decoration: hidden from assistive
     technology and out of the tab order (its twin is in the deck). */
  function renderNext() {
    ui.next.textContent = "";
    ui.nextSlide = null;
    if (cur + 1 >= slides.length) {
      add(ui.next, "p", "presenter-next-end", "End of the deck");
      return;
    }
    var copy = cloneClean(slides[cur + 1], "kvnext-");
    var wrap = add(ui.next, "div", "presenter-next-slide");
    copy.hidden = false;
    copy.classList.remove("current");
    each(copy.querySelectorAll(".fragment, .fragment-items li"), function (f) { f.classList.add("visible"); });
    each(copy.querySelectorAll("a[href], summary, button, input, select, textarea, [tabindex]"), function (e) {
      e.tabIndex = -1;
    });
    wrap.setAttribute("aria-hidden", "true");
    wrap.inert = true;
    wrap.appendChild(copy);
    ui.nextSlide = wrap;
    fit(wrap, ui.next.clientWidth, ui.next.clientHeight);
  }

  /* Minutes into the talk as "h:mm" (the plan's clock, from the start). */
  function clockOf(minutes) {
    var m = Number(minutes) || 0;
    return Math.floor(m / 60) + ":" + pad(m % 60);
  }

  function setText(e, text) { if (e.textContent !== text) { e.textContent = text; } }

  /* Timer, clock, section and total times, connection; every half second. */
  function renderTimes() {
    var now = new Date(), s, spent, over;
    tick();
    setText(ui.time, fmt(timer.elapsed));
    setText(ui.toggle, timer.running ? "Pause" : "Start");
    setText(ui.clock, "Clock " + pad(now.getHours()) + ":" + pad(now.getMinutes()));
    s = sectionOf(cur);
    if (s === null) {
      setText(ui.sectionTitle, "No section");
      setText(ui.sectionTime, "");
      ui.sectionTime.classList.remove("over");
    } else {
      spent = timer.sections[s] || 0;
      over = spent > info.sections[s].minutes * 60000;
      setText(ui.sectionTitle, info.sections[s].title);
      setText(ui.sectionTime, "Planned " + info.sections[s].minutes + " min, ends at " + clockOf(info.sections[s].ends_at) +
        " · spent " + fmt(spent) + (over ? " · over" : ""));
      ui.sectionTime.classList.toggle("over", over);
    }
    over = info.planned > 0 && timer.elapsed > info.planned * 60000;
    setText(ui.total, "Whole deck: planned " + info.planned + " min" + (info.track ? " (" + info.track + ")" : "") +
      " · elapsed " + fmt(timer.elapsed) + (over ? " · over" : ""));
    ui.total.classList.toggle("over", over);
    setText(ui.status, blank ? "The audience screen is blank: any key brings the slides back." :
      connected() ? "In step with the slides window." : "Not connected: open this view from the slides with the s key.");
    ui.status.classList.toggle("blank", blank);
  }

  /* ---------- Print ---------- */

  /* Opens every closed <details> in the slides; returns those it opened. */
  function openDetails() {
    var opened = [];
    each(document.querySelectorAll(".slide details:not([open])"), function (d) {
      d.open = true;
      opened.push(d);
    });
    return opened;
  }

  /* ?print=notes and ?print=handout: portrait A4 or Letter pages, each slide
     labelled; notes under their slide, or six slides a page. The @page rule,
     the slides' zoom and the page height depend on the paper: injected. */
  function buildPrint() {
    var paper = PAPER[deck.getAttribute("data-paper")] || PAPER.a4;
    var widthMm = paper.w - 2 * PRINT_MARGIN;
    var heightMm = paper.h - 2 * PRINT_MARGIN - 3;    // a little short of the page: never a blank one
    var widthPx = widthMm * PX_PER_MM;
    var notes = printMode === "notes";
    var zoom = notes ? widthPx / W : (widthPx - HANDOUT_GAP * PX_PER_MM) / 2 / W;
    var page = null;
    add(document.head, "style").textContent = "@page { size: " + paper.name + " portrait; margin: " + PRINT_MARGIN + "mm; }\n" +
      "html.print-" + printMode + " .slide { zoom: " + Math.floor(zoom * 1000) / 1000 + "; }\n" +
      "html.print-handout .print-page { height: " + heightMm + "mm; }\n" +
      "@media screen { .print-page { width: " + widthMm + "mm; } }\n";
    slides.forEach(function (slide, i) {
      var s = sectionOf(i);
      var label = make("p", "print-label", slide.getAttribute("aria-label") + (notes && s !== null ? " · " + info.sections[s].title +
        " (" + info.sections[s].minutes + " min, ends at " + clockOf(info.sections[s].ends_at) + ")" : ""));
      if (notes) {
        page = add(deck, "div", "print-page");
        page.appendChild(label);
        page.appendChild(slide);
        each(slide.querySelectorAll(".notes"), function (n) { page.appendChild(n); });
      } else {
        if (i % 6 === 0) { page = add(deck, "div", "print-page"); }
        add(page, "div", "print-cell").appendChild(slide).after(label);
      }
    });
    openDetails();
  }

  /* Plain printing (also from the DevTools print emulation, which fires no
     beforeprint): open the details while printing, close them after. */
  function watchPrinting() {
    var opened = [];
    function open() { opened = opened.concat(openDetails()); }
    function close() {
      opened.forEach(function (d) { d.open = false; });
      opened = [];
    }
    window.addEventListener("beforeprint", open);
    window.addEventListener("afterprint", close);
    window.matchMedia("print").addEventListener("change", function (e) { if (e.matches) { open(); } else { close(); } });
  }

  /* ---------- Keys, swipes, clicks ---------- */

  /* Keys a focused control uses itself: all of them in text fields, Space
     and Enter on buttons, links and summaries. */
  function ownsKey(target, key) {
    if (!target || !target.closest) { return false; }
    if (target.isContentEditable || target.closest("input, textarea, select")) { return true; }
    return (key === " " || key === "Enter") && !!target.closest("button, summary, a[href]");
  }

  /* Acts on a key; true if it was used. */
  function handleKey(key, shift) {
    var k = key.length === 1 ? key.toLowerCase() : key;
    if (dialog) {
      if (k === "Escape" || (dialogKind === "zoom" && k === "z") || (dialogKind === "help" && k === "?")) {
        closeDialog();
        return true;
      }
      return false;
    }
    // Any key brings the slides back, except the presenter's timer key
    // (the timer may start while the screen is still blank).
    if (blank && !(ui && k === "p")) {
      if (/^(Shift|Control|Alt|Meta|CapsLock|Tab)$/.test(k)) { return false; }
      setBlank(false);
      return true;
    }
    if (overview) {
      if (overviewKey(k)) { return true; }
      if (k !== "?" && k !== "f") { return false; }
    }
    switch (k) {
      case "ArrowRight": case "PageDown": next(); return true;
      case "ArrowLeft": case "PageUp": prev(); return true;
      case " ": if (shift) { prev(); } else { next(); } return true;
      case "Home": show(0, 0); return true;
      case "End": show(slides.length - 1, 0); return true;
      case "f": toggleFullscreen(); return true;
      case "b": case ".": setBlank(true); return true;
      case "?": openHelp(); return true;
    }
    if (ui) {
      if (k === "p") { toggleTimer(); return true; }
      return false;
    }
    switch (k) {
      case "o": setOverview(true); return true;
      case "s": openPresenter(); return true;
      case "z": zoomFirst(); return true;
    }
    return false;
  }

  function onKey(e) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.defaultPrevented || ownsKey(e.target, e.key)) { return; }
    if (slides.length && handleKey(e.key, e.shiftKey)) { e.preventDefault(); }
  }

  /* A horizontal swipe: left = next, right = previous. */
  function watchSwipes() {
    var start = null;
    document.addEventListener("touchstart", function (e) {
      start = e.touches.length === 1 ? { x: e.touches[0].clientX, y: e.touches[0].clientY } : null;
    }, { passive: true });
    document.addEventListener("touchend", function (e) {
      if (!start || !e.changedTouches.length) { return; }
      var dx = e.changedTouches[0].clientX - start.x, dy = e.changedTouches[0].clientY - start.y;
      start = null;
      if (dialog || overview || Math.abs(dx) < SWIPE || Math.abs(dx) < 1.5 * Math.abs(dy)) { return; }
      if (blank) { setBlank(false); } else if (dx < 0) { next(); } else { prev(); }
    }, { passive: true });
  }

  /* In the overview a click opens a slide; in the audience view a click on a figure zooms it. */
  function onDeckClick(e) {
    var slide = e.target.closest(".slide");
    if (!slide || dialog) { return; }
    if (overview) {
      openFromOverview(slides.indexOf(slide));
      return;
    }
    var fig = e.target.closest("figure");
    if (!ui && fig && !e.target.closest("a") && zoomable(fig)) { zoomFigure(fig); }
  }

  /* ---------- Start ---------- */

  function init() {
    deck = document.getElementById("deck");
    if (!deck) { return; }
    slides = Array.prototype.slice.call(deck.querySelectorAll(":scope > .slide"));
    info = readData();
    if (printMode) {
      buildPrint();
      whenLoaded(ready);
      return;
    }
    steps = slides.map(function (s) {
      return Array.prototype.filter.call(s.querySelectorAll(".fragment, .fragment-items li"), function (f) {
        return !f.closest(".notes");
      });
    });
    // Inline SVG without a viewBox cannot scale: give it one from its size.
    each(deck.querySelectorAll(".slide svg"), function (svg) {
      var w = svg.getAttribute("width"), h = svg.getAttribute("height");
      if (!svg.hasAttribute("viewBox") && !svg.parentNode.closest("svg") &&
          /^[\d.]+(px)?$/.test(w) && /^[\d.]+(px)?$/.test(h)) {
        svg.setAttribute("viewBox", "0 0 " + parseFloat(w) + " " + parseFloat(h));
      }
    });
    progressEl = document.querySelector(".deck-progress span");
    numberEl = document.querySelector(".deck-number .current");
    if (numberEl) {
      numberEl.parentNode.setAttribute("aria-live", "polite");
      numberEl.parentNode.querySelector(".total").textContent = String(slides.length);
    }
    if (isPresenter) {
      buildPresenter();
      loadTimer();
      peer = window.opener;
    } else {
      blankEl = add(document.body, "div", "deck-blank");
      blankEl.hidden = true;
      blankEl.addEventListener("click", function () { setBlank(false); });
    }

    window.kvDeck = {
      state: function () {
        return {
          index: cur, fragment: shown, count: slides.length, fragments: steps[cur] ? steps[cur].length : 0,
          overview: overview, blank: blank, help: dialogKind === "help", zoom: dialogKind === "zoom",
          presenter: !!ui, connected: connected()
        };
      },
      go: function (index, fragment) { show(index, fragment); }
    };

    if ("scrollRestoration" in history) { history.scrollRestoration = "manual"; }
    if (slides.length) {
      cur = indexFromHash();
      paint();
      setHash(true);
    }
    layout();
    root.classList.add("deck-laid-out");      // deck.css shows the deck from now on
    window.addEventListener("resize", layout);
    window.addEventListener("hashchange", onHashChange);
    window.addEventListener("popstate", onHashChange);
    window.addEventListener("message", onMessage);
    document.addEventListener("keydown", onKey);
    deck.addEventListener("click", onDeckClick);
    watchSwipes();
    watchPrinting();
    if (ui) {
      post({ kvlens: "deck", hello: true });
      window.setInterval(renderTimes, 500);
      window.setInterval(function () { post({ kvlens: "deck", ping: true }); }, PING);
    }
    whenLoaded(ready);
  }

  /* Ready once the images are in too, so that a print shows them. */
  function ready() { root.setAttribute("data-ready", "1"); }
  function whenLoaded(fn) {
    if (document.readyState === "complete") { fn(); } else { window.addEventListener("load", fn); }
  }

  document.addEventListener("DOMContentLoaded", init);
})();
