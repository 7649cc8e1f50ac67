/* Measures the slide the deck shows now, as the back row sees it (tests/deck_room.rs).
   Every text on the slide, outside speaker notes and what is not visible
   yet: its CSS font size times the deck's scale. Every text inside a
   figure: its font size times the figure's scale on screen (getScreenCTM);
   a figure embedded as <img> is measured by laying out its SVG source
   (window.__svgs[file name]) at the image's rendered box, as
   object-fit: contain draws it. Returns the texts under `min` px and how
   much of the slide the content's bounding box covers. */
window.__measureSlide = function (min) {
  var st = window.kvDeck.state();
  var slide = document.querySelectorAll(".deck > .slide")[st.index];
  var scale = slide.getBoundingClientRect().width / 1280;
  var small = [];
  var boxes = [];
  function shown(el) {
    for (var e = el; e && e !== slide.parentElement; e = e.parentElement) {
      var cs = getComputedStyle(e);
      if (cs.visibility === "hidden" || cs.display === "none" || cs.opacity === "0") { return false; }
    }
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }
  function note(text, px, where) {
    if (px < min - 0.05) { small.push({ text: text.slice(0, 60), px: Math.round(px * 10) / 10, where: where }); }
  }
  var walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  var n;
  while ((n = walker.nextNode())) {
    var s = n.textContent.trim();
    var el = n.parentElement;
    if (!s || el.closest(".notes") || el.closest("svg") || el.closest("annotation") || !shown(el)) { continue; }
    boxes.push(el.getBoundingClientRect());
    note(s, parseFloat(getComputedStyle(el).fontSize) * scale, "slide text");
  }
  function svgTexts(svg, where) {
    svg.querySelectorAll("text").forEach(function (t) {
      var s = t.textContent.trim();
      var m = t.getScreenCTM();
      if (!s || !m) { return; }
      note(s, parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)), where);
    });
  }
  var figures = 0;
  slide.querySelectorAll("figure").forEach(function (f) {
    if (!shown(f)) { return; }
    if (f.classList.contains("kv-figure")) { figures++; }
    f.querySelectorAll(":scope > svg").forEach(function (svg) {
      boxes.push(svg.getBoundingClientRect());
      svgTexts(svg, "inline figure");
    });
    f.querySelectorAll(":scope > img").forEach(function (img) {
      var r = img.getBoundingClientRect();
      var file = img.getAttribute("src").replace(/^.*\//, "");
      var holder = document.createElement("div");
      holder.style.cssText = "position:fixed;left:0;top:0;visibility:hidden;pointer-events:none";
      holder.innerHTML = window.__svgs[file] || "";
      var svg = holder.querySelector("svg");
      if (!svg) { note("(no SVG source for " + file + ")", 0, "figure " + file); return; }
      svg.setAttribute("width", r.width);
      svg.setAttribute("height", r.height);
      document.body.appendChild(holder);
      var vb = svg.viewBox.baseVal;
      var k = Math.min(r.width / vb.width, r.height / vb.height);
      var w = vb.width * k, h = vb.height * k;
      boxes.push({ left: r.left + (r.width - w) / 2, top: r.top + (r.height - h) / 2, right: r.left + (r.width + w) / 2, bottom: r.top + (r.height + h) / 2 });
      svgTexts(svg, "figure " + file);
      holder.remove();
    });
  });
  var sr = slide.getBoundingClientRect();
  var l = Infinity, t = Infinity, rr = -Infinity, b = -Infinity;
  boxes.forEach(function (x) { l = Math.min(l, x.left); t = Math.min(t, x.top); rr = Math.max(rr, x.right); b = Math.max(b, x.bottom); });
  var cover = boxes.length ? Math.max(0, Math.min(rr, sr.right) - Math.max(l, sr.left)) * Math.max(0, Math.min(b, sr.bottom) - Math.max(t, sr.top)) / (sr.width * sr.height) : 0;
  var h1 = slide.querySelector("h1");
  return { index: st.index, fragment: st.fragment, fragments: st.fragments, count: st.count, title: h1 ? h1.textContent : slide.id, figures: figures, cover: cover, small: small };
};
