/* kvlens draw-a-digit explorer: a classic script (no modules, no fetch, no
   network), so the page works from file:// and offline. The network comes
   from the page's generated model script (window.KVLENS_MODEL, version 2),
   loaded just before this one. Its numbers are packed to keep the page
   under 1 MB: float32s in four byte planes, then bytes, zlib, Z85 (see
   "Decoding the model"). The browser inflates them with DecompressionStream
   (Chrome and Edge 80+, Firefox 113+, Safari 16.4+), so start() is
   asynchronous; an older browser gets a message saying so. The float32s
   come back bit for bit.

   The network is 784 → H → 10 with ReLU, read as H key-value pairs: pair i
   has key k_i (row i of W1, a 28×28 image) with bias b1_i and value v_i
   (column i of W2, ten votes), and
       logits = b2 + Σ_i ReLU(k_i · x + b1_i) · v_i.
   Every number shown is computed here in float64 from the model's float32
   weights, in the same order as kvlens's own analysis (src/kv/image.rs), so
   the page and the course's figures agree.

   Test hooks: window.kvExplorer (analyse, input, state, startFromDigit,
   startFromKey, clear, undo, setTool, weightBits); the root element gets
   data-ready="1" once the model is decoded and the blank pad's result is
   shown, or data-error="model" or "browser" with the message shown. */
(function () {
  "use strict";

  var N = 28;                 // the input is N×N pixels
  var PIXELS = N * N;
  var DIGITS = 10;
  var CELL = 10;              // pad px per input pixel
  var PAD = N * CELL;         // the pad is PAD×PAD logical px
  var PEN = 22;               // pen width in pad px
  var BOX = 20;               // free drawing: the ink's longer side becomes BOX px, as in MNIST
  var TOP = 6;                // pairs shown as cards and as waterfall rows
  var MINUS = "\u2212";
  var SVGNS = "http://www.w3.org/2000/svg";
  // ColorBrewer RdBu, blue (negative) through near-white to red (positive).
  var RDBU = ["#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b"];

  var root = document.documentElement;
  var model = null;           // the decoded model (decode())
  var keyImages = Object.create(null);  // pair → ImageData of its key heatmap (keys never change)

  /* ---------- Small helpers ---------- */

  function byId(id) { return document.getElementById(id); }
  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
  function make(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text != null) { e.textContent = text; }
    return e;
  }
  function add(parent, tag, className, text) { return parent.appendChild(make(tag, className, text)); }
  function svg(parent, tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag), k;
    for (k in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); }
    }
    if (text != null) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function r2(v) { return Math.round(v * 100) / 100; }   // tidy SVG coordinates

  /* 2.4137 → "2.41", −0.5 → "−0.50" (typographic minus; no "−0.00"). */
  function num(v) {
    var s = Math.abs(v).toFixed(2);
    return (v < 0 && s !== "0.00" ? MINUS : "") + s;
  }
  /* Like num, with a sign on both sides of zero: "+1.20", "−0.30". */
  function signed(v) {
    var s = Math.abs(v).toFixed(2);
    return s === "0.00" ? s : (v < 0 ? MINUS : "+") + s;
  }
  function article(d) { return (d === 8 ? "an " : "a ") + d; }
  /* [3, 5, 7] → "3, 5 and 7". */
  function listing(xs) {
    return xs.length < 2 ? xs.join("") : xs.slice(0, -1).join(", ") + " and " + xs[xs.length - 1];
  }
  function times(n) { return n === 0 ? "never" : n === 1 ? "once" : n === 2 ? "twice" : n + " times"; }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  /* ---------- Colours ---------- */

  function rgbOf(hex) {
    return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
  }
  var STOPS = RDBU.map(rgbOf);

  /* t in [−1, 1] → [r, g, b] on the diverging scale; 0 is the middle. */
  function diverging(t) {
    var pos = (clamp(t, -1, 1) + 1) / 2 * (STOPS.length - 1);
    var i = Math.min(Math.floor(pos), STOPS.length - 2), f = pos - i, a = STOPS[i], b = STOPS[i + 1];
    return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
  }
  function css(rgb) { return "rgb(" + rgb[0] + ", " + rgb[1] + ", " + rgb[2] + ")"; }

  /* Black or white text, whichever contrasts more with `rgb` (WCAG luminance). */
  function textOn(rgb) {
    var l = rgb.map(function (c) {
      c /= 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var lum = 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    return 1.05 / (lum + 0.05) > (lum + 0.05) / 0.05 ? "#ffffff" : "#000000";
  }

  /* Paints 784 values on a 28×28 canvas, scaled by `scale` (the largest
     magnitude); a zero scale paints the neutral colour. */
  function heatmapImage(ctx, values, scale) {
    var img = ctx.createImageData(N, N), p, c;
    for (p = 0; p < PIXELS; p++) {
      c = diverging(scale > 0 ? values[p] / scale : 0);
      img.data[4 * p] = c[0];
      img.data[4 * p + 1] = c[1];
      img.data[4 * p + 2] = c[2];
      img.data[4 * p + 3] = 255;
    }
    return img;
  }
  function maxAbs(values) {
    var m = 0, i;
    for (i = 0; i < values.length; i++) { m = Math.max(m, Math.abs(values[i])); }
    return m;
  }

  /* ---------- Decoding the model ---------- */

  /* The model script's numbers are one text, `packed.z85` (src/handson/pack.rs):
     the float32 arrays' little-endian bytes in four planes (every array's
     byte 0, then byte 1, 2, 3), then the byte arrays; compressed with zlib;
     written as Z85 (padded to a multiple of 4 bytes). */
  var VERSION = 2;
  var FORMAT = "f32le-planes4+u8|zlib|z85";
  var Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  var BROWSERS = "Chrome or Edge 80 or newer, Firefox 113 or newer, or Safari 16.4 or newer";

  /* The error a browser without DecompressionStream gets: not the model's fault. */
  function tooOld() {
    var e = new Error("The explorer cannot run in this browser: it is too old to unpack the " +
      "workshop's model (it has no DecompressionStream). Open this page in " + BROWSERS + ".");
    e.browser = true;
    return e;
  }

  /* Z85 text → bytes (4 per 5 characters). */
  function z85Bytes(text, what) {
    if (typeof text !== "string") { throw new Error(what + " is missing"); }
    if (text.length % 5 !== 0) { throw new Error(what + " is not Z85: " + text.length + " characters, not a multiple of 5"); }
    var value = new Int16Array(128), out = new Uint8Array(text.length / 5 * 4), i, j, c, v, o = 0;
    for (i = 0; i < 128; i++) { value[i] = -1; }
    for (i = 0; i < Z85.length; i++) { value[Z85.charCodeAt(i)] = i; }
    for (i = 0; i < text.length; i += 5) {
      v = 0;
      for (j = i; j < i + 5; j++) {
        c = text.charCodeAt(j);
        c = c < 128 ? value[c] : -1;
        if (c < 0) { throw new Error(what + " is not Z85: character " + j + " is not in its alphabet"); }
        v = v * 85 + c;
      }
      if (v > 0xffffffff) { throw new Error(what + " is not Z85: the group at character " + i + " is more than 32 bits"); }
      out[o++] = v >>> 24;
      out[o++] = (v >>> 16) & 255;
      out[o++] = (v >>> 8) & 255;
      out[o++] = v & 255;
    }
    return out;
  }

  /* A promise of the zlib stream `bytes`, inflated; the browser checks its checksum. */
  function inflate(bytes) {
    var ds;
    try { ds = new DecompressionStream("deflate"); } catch (e) { throw tooOld(); }
    return new Response(new Blob([bytes]).stream().pipeThrough(ds)).arrayBuffer().then(
      function (buf) { return new Uint8Array(buf); },
      function (e) { throw new Error("the model's numbers do not unpack (" + (e && e.message || e) + ")"); }
    );
  }

  function isCount(n) { return typeof n === "number" && n >= 0 && Math.floor(n) === n; }

  /* The layout [[name, count], …] as { name: { at, count } }, checked against
     the counts `want` the model's size implies (same names, same order). */
  function layoutOf(list, want, what) {
    var names = Object.keys(want), out = Object.create(null), at = 0, k, name, n;
    if (!Array.isArray(list) || list.length !== names.length) {
      throw new Error("packed." + what + " does not list " + names.join(", "));
    }
    for (k = 0; k < list.length; k++) {
      name = list[k] && list[k][0];
      n = list[k] && list[k][1];
      if (name !== names[k]) { throw new Error("packed." + what + " lists " + JSON.stringify(name) + " where " + names[k] + " belongs"); }
      if (!isCount(n) || n !== want[name]) { throw new Error(name + " holds " + n + " values, not " + want[name]); }
      out[name] = { at: at, count: n };
      at += n;
    }
    out.total = at;
    return out;
  }

  /* Checks window.KVLENS_MODEL before unpacking: version, sizes, format,
     lengths and layout. Throws an Error saying what is wrong. */
  function plan(m) {
    if (!m || typeof m !== "object") { throw new Error("window.KVLENS_MODEL is not defined"); }
    if (m.version !== VERSION) { throw new Error("the model has version " + m.version + ", this page reads version " + VERSION); }
    var H = m.hidden, pk = m.packed, floats, bytes;
    if (typeof H !== "number" || H < 1 || Math.floor(H) !== H) { throw new Error("hidden is not a positive whole number"); }
    if (m.inputs !== PIXELS || m.outputs !== DIGITS) { throw new Error("the model is not 784 → H → 10"); }
    if (!Array.isArray(m.digits)) { throw new Error("digits is missing"); }
    if (!pk || typeof pk !== "object") { throw new Error("packed is missing"); }
    if (pk.format !== FORMAT) { throw new Error("the model is packed as " + JSON.stringify(pk.format) + ", this page reads " + FORMAT); }
    if (m.encoding === "f32") {
      floats = { w1: H * PIXELS, b1: H, w2: DIGITS * H, b2: DIGITS };
      bytes = { digits: m.digits.length * PIXELS };
    } else if (m.encoding === "int8") {
      floats = { w1_scale: H, b1: H, w2: DIGITS * H, b2: DIGITS };
      bytes = { w1: H * PIXELS, digits: m.digits.length * PIXELS };
    } else {
      throw new Error("unknown encoding " + JSON.stringify(m.encoding));
    }
    floats = layoutOf(pk.floats, floats, "floats");
    bytes = layoutOf(pk.bytes, bytes, "bytes");
    if (pk.length !== 4 * floats.total + bytes.total) {
      throw new Error("packed.length is " + pk.length + ", not " + (4 * floats.total + bytes.total) + " as its layout says");
    }
    if (!isCount(pk.deflated)) { throw new Error("packed.deflated is not a byte count"); }
    if (typeof pk.z85 !== "string" || pk.z85.length !== Math.ceil(pk.deflated / 4) * 5) {
      throw new Error("packed.z85 does not hold the " + pk.deflated + " bytes packed.deflated says");
    }
    return { m: m, hidden: H, floats: floats, bytes: bytes };
  }

  /* A promise of the model → { hidden, w1 (H×784), b1, w2 (10×H), b2, digits },
     the weights as Float64Arrays once, so analyse() only multiplies and adds.
     Rejects with an Error saying what is wrong. */
  function decode(p) {
    var pk = p.m.packed, H = p.hidden;
    return inflate(z85Bytes(pk.z85, "packed.z85").subarray(0, pk.deflated)).then(function (raw) {
      if (raw.length !== pk.length) { throw new Error("the model's numbers unpack to " + raw.length + " bytes, not " + pk.length); }
      var F = p.floats.total, le = new Uint8Array(4 * F), view = new DataView(le.buffer), i, k, p8;
      for (i = 0; i < F; i++) {
        le[4 * i] = raw[i];
        le[4 * i + 1] = raw[F + i];
        le[4 * i + 2] = raw[2 * F + i];
        le[4 * i + 3] = raw[3 * F + i];
      }
      /* An array of float32s (little-endian, whatever the platform's byte order) as float64. */
      function floats(name) {
        var a = p.floats[name], out = new Float64Array(a.count), j;
        for (j = 0; j < a.count; j++) {
          out[j] = view.getFloat32(4 * (a.at + j), true);
          if (!isFinite(out[j])) { throw new Error(name + " holds a value that is not a finite number"); }
        }
        return out;
      }
      function bytes(name) {
        var a = p.bytes[name];
        return raw.subarray(4 * F + a.at, 4 * F + a.at + a.count);
      }
      var w1, scale, q;
      if (p.m.encoding === "f32") {
        w1 = floats("w1");
      } else {
        // weight = q · scale_i, rounded to float32 as the Rust side computes it in f32.
        scale = floats("w1_scale");
        p8 = bytes("w1");
        q = new Int8Array(p8.buffer, p8.byteOffset, p8.byteLength);
        w1 = new Float64Array(H * PIXELS);
        for (i = 0; i < H; i++) {
          for (k = 0; k < PIXELS; k++) { w1[i * PIXELS + k] = Math.fround(q[i * PIXELS + k] * scale[i]); }
        }
      }
      var px = bytes("digits");
      return {
        hidden: H,
        w1: w1,
        b1: floats("b1"),
        w2: floats("w2"),
        b2: floats("b2"),
        digits: p.m.digits.map(function (d, j) {
          return { index: d.index, label: d.label, pixels: px.slice(j * PIXELS, (j + 1) * PIXELS) };
        })
      };
    });
  }

  /* The weights as float32 bit patterns, to compare with Rust's bit for bit
     (null for a value that is not exactly a float32). */
  function weightBits() {
    var buf = new DataView(new ArrayBuffer(4)), out = {};
    ["w1", "b1", "w2", "b2"].forEach(function (name) {
      out[name] = Array.prototype.map.call(model[name], function (v) {
        if (Math.fround(v) !== v) { return null; }
        buf.setFloat32(0, v, true);
        return buf.getUint32(0, true);
      });
    });
    return out;
  }

  /* ---------- The computation (pure; mirrors src/kv/image.rs) ---------- */

  /* Rust's f64::total_cmp for the values met here (never NaN): −0 < +0. */
  function totalCmp(a, b) {
    if (a < b) { return -1; }
    if (a > b) { return 1; }
    if (a === 0) {
      var na = 1 / a < 0, nb = 1 / b < 0;
      return na === nb ? 0 : na ? -1 : 1;
    }
    return 0;
  }

  /* The decision of a set of logits. A tie is a tie: nothing picks the lowest
     digit. `key` names it ("3", or "3,5" for a tie) so decisions compare as
     sets. */
  function predictionOf(logits) {
    var max = -Infinity, best = [], d;
    for (d = 0; d < DIGITS; d++) { if (logits[d] > max) { max = logits[d]; } }
    for (d = 0; d < DIGITS; d++) { if (logits[d] === max) { best.push(d); } }
    return { digit: best.length === 1 ? best[0] : null, ties: best.length === 1 ? [] : best, key: best.join(",") };
  }

  /* The highest digit (lowest index among tied maxima) and the best other one. */
  function topTwo(logits) {
    var order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].sort(function (a, b) {
      return totalCmp(logits[b], logits[a]) || a - b;
    });
    return [order[0], order[1]];
  }

  /* logits[top] − the best other digit's logit. */
  function leadOf(logits, top) {
    var best = -Infinity, d;
    for (d = 0; d < DIGITS; d++) { if (d !== top && logits[d] > best) { best = logits[d]; } }
    return logits[top] - best;
  }

  /* Everything the page shows about one input (784 bytes). `result` is the
     public analyse() answer; the rest (the decisions along the curve, the
     inked pixels) is for drawing. */
  function compute(pixels) {
    if (!pixels || pixels.length < PIXELS) { throw new TypeError("analyse needs 784 bytes"); }
    var H = model.hidden, w1 = model.w1, b1 = model.b1, w2 = model.w2;
    var idx = new Int32Array(PIXELS), xs = new Float64Array(PIXELS), n = 0, p, i, j, d, v;
    // Only inked pixels add to k · x; sums run in pixel order, as in Rust.
    for (p = 0; p < PIXELS; p++) {
      v = +pixels[p] || 0;
      if (v > 0) { idx[n] = p; xs[n] = v / 255; n++; }
    }
    var pairs = [];
    for (i = 0; i < H; i++) {
      var row = i * PIXELS, acc = 0, pre;
      for (j = 0; j < n; j++) { acc += w1[row + idx[j]] * xs[j]; }
      pre = acc + b1[i];
      if (pre > 0) {
        var scaled = new Array(DIGITS);
        for (d = 0; d < DIGITS; d++) { scaled[d] = pre * w2[d * H + i]; }
        pairs.push({ pair: i, pre: pre, activation: pre, decision: 0, l1: 0, scaled: scaled });
      }
    }
    // Logits: b2, then the active pairs in index order.
    var logits = Array.prototype.slice.call(model.b2);
    pairs.forEach(function (c) {
      for (d = 0; d < DIGITS; d++) { logits[d] += c.scaled[d]; }
    });
    var pred = predictionOf(logits), two = topTwo(logits), top = two[0], runner = two[1];
    pairs.forEach(function (c) {
      var l1 = 0;
      for (d = 0; d < DIGITS; d++) { l1 += Math.abs(c.scaled[d]); }
      c.decision = c.scaled[top] - c.scaled[runner];
      c.l1 = l1;
    });
    // Decision order: what a pair adds to the lead, largest first.
    var order = pairs.slice().sort(function (a, b) { return totalCmp(b.decision, a.decision) || a.pair - b.pair; });

    // The curve: b2 alone, then the pairs one by one in decision order.
    var run = Array.prototype.slice.call(model.b2);
    var preds = [predictionOf(run)], leads = [leadOf(run, top)];
    order.forEach(function (c) {
      for (d = 0; d < DIGITS; d++) { run[d] += c.scaled[d]; }
      preds.push(predictionOf(run));
      leads.push(leadOf(run, top));
    });
    var last = preds[preds.length - 1].key, settles = preds.length - 1, flips = [];
    while (settles > 0 && preds[settles - 1].key === last) { settles--; }
    for (i = 1; i < preds.length; i++) {
      if (preds[i].key !== preds[i - 1].key) { flips.push({ n: i, from: preds[i - 1].digit, to: preds[i].digit }); }
    }

    return {
      result: {
        logits: logits,
        prediction: pred.digit,
        ties: pred.ties,
        top: top,
        runnerUp: runner,
        lead: logits[top] - logits[runner],
        active: pairs.length,
        pairs: order,
        settlesAt: settles,
        flips: flips
      },
      pred: pred,
      preds: preds,
      leads: leads,
      inked: Array.prototype.slice.call(idx, 0, n),
      xs: Array.prototype.slice.call(xs, 0, n)
    };
  }

  /* ---------- Preprocessing: pad buffer → the 784 bytes the net sees ---------- */

  /* For one axis of the box filter: target pixel t covers source coordinates
     [start + t/s, start + (t+1)/s), clipped to the ink box [start, start+len);
     each source pixel weighs its overlap × s (a full target pixel's weights
     sum to 1). Returns per target pixel a list of [source index, weight]. */
  function axisWeights(start, len, s, count) {
    var out = [], t, k, a, b, list;
    for (t = 0; t < count; t++) {
      a = t / s;
      b = Math.min((t + 1) / s, len);
      list = [];
      for (k = Math.floor(a); k < Math.ceil(b); k++) {
        var ov = Math.min(b, k + 1) - Math.max(a, k);
        if (ov > 0) { list.push([start + k, ov * s]); }
      }
      out.push(list);
    }
    return out;
  }

  /* Free drawing, made the way MNIST digits were: the ink's bounding box is
     scaled so its longer side is BOX px (exact area averaging, so the result
     never depends on the browser's image smoothing), then placed in 28×28 so
     its centre of mass lands on (14, 14), moved by whole pixels and clipped
     at the borders. Returns { bytes, shift: [dx, dy] or null when blank }. */
  function preprocessFree(buf) {
    var out = new Uint8Array(PIXELS), x0 = PAD, y0 = PAD, x1 = -1, y1 = -1, x, y;
    for (y = 0; y < PAD; y++) {
      for (x = 0; x < PAD; x++) {
        if (buf[y * PAD + x] > 0) {
          x0 = Math.min(x0, x); x1 = Math.max(x1, x);
          y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        }
      }
    }
    if (x1 < 0) { return { bytes: out, shift: null }; }
    var w = x1 - x0 + 1, h = y1 - y0 + 1, s = BOX / Math.max(w, h);
    // The scaled box is w·s × h·s; the epsilon keeps 20.000000000000004 at 20.
    var cw = Math.max(1, Math.ceil(w * s - 1e-9)), ch = Math.max(1, Math.ceil(h * s - 1e-9));
    var wx = axisWeights(x0, w, s, cw), wy = axisWeights(y0, h, s, ch);
    // Rows first (every ink row, cw columns), then columns.
    var rows = new Float64Array(h * cw), small = new Float64Array(cw * ch), tx, ty, k, acc;
    for (y = 0; y < h; y++) {
      for (tx = 0; tx < cw; tx++) {
        acc = 0;
        for (k = 0; k < wx[tx].length; k++) { acc += buf[(y0 + y) * PAD + wx[tx][k][0]] * wx[tx][k][1]; }
        rows[y * cw + tx] = acc;
      }
    }
    for (ty = 0; ty < ch; ty++) {
      for (tx = 0; tx < cw; tx++) {
        acc = 0;
        for (k = 0; k < wy[ty].length; k++) { acc += rows[(wy[ty][k][0] - y0) * cw + tx] * wy[ty][k][1]; }
        small[ty * cw + tx] = clamp(acc / 255, 0, 1);
      }
    }
    // Centred box first (so the reported shift is small), then the centre of
    // mass (pixel centres at i + 0.5) moved onto (14, 14).
    var ox = Math.floor((N - cw) / 2), oy = Math.floor((N - ch) / 2), mass = 0, mx = 0, my = 0, v;
    for (ty = 0; ty < ch; ty++) {
      for (tx = 0; tx < cw; tx++) {
        v = small[ty * cw + tx];
        mass += v; mx += v * (ox + tx + 0.5); my += v * (oy + ty + 0.5);
      }
    }
    var dx = mass > 0 ? Math.round(N / 2 - mx / mass) : 0, dy = mass > 0 ? Math.round(N / 2 - my / mass) : 0;
    for (ty = 0; ty < ch; ty++) {
      for (tx = 0; tx < cw; tx++) {
        x = ox + tx + dx; y = oy + ty + dy;
        if (x >= 0 && x < N && y >= 0 && y < N) { out[y * N + x] = Math.round(small[ty * cw + tx] * 255); }
      }
    }
    return { bytes: out, shift: [dx + 0, dy + 0] };   // + 0 turns −0 into 0
  }

  /* Drawing on a base image: each 10×10 block of the pad is one input pixel,
     its exact mean (so an untouched base comes back byte for byte). */
  function blockAverage(buf) {
    var out = new Uint8Array(PIXELS), cx, cy, x, y, sum;
    for (cy = 0; cy < N; cy++) {
      for (cx = 0; cx < N; cx++) {
        sum = 0;
        for (y = cy * CELL; y < cy * CELL + CELL; y++) {
          for (x = cx * CELL; x < cx * CELL + CELL; x++) { sum += buf[y * PAD + x]; }
        }
        out[cy * N + cx] = Math.round(sum / (CELL * CELL));
      }
    }
    return out;
  }

  /* ---------- The pad: actions, ink buffer, screen ---------- */

  var actions = [];           // the undo stack: {type: "stroke", tool, points} | {type: "base", pixels, what}
  var tool = "draw";
  var ink = new Uint8ClampedArray(PAD * PAD);   // what the net's input is made from; ink = 255
  var stroke = null;          // the stroke being drawn: { action, id (pointer) }
  var cursor = { x: 14, y: 14 };                // keyboard cursor, in grid cells
  var pad = null, padCtx = null, padScale = 0;
  var baseCanvas = null;      // 28×28 scratch canvas for drawing a base image on the pad

  function lastBase() {
    for (var k = actions.length - 1; k >= 0; k--) { if (actions[k].type === "base") { return k; } }
    return -1;
  }
  function mode() { return lastBase() >= 0 ? "base" : "free"; }

  /* Paints the segment a→b (a dab when a = b) into the ink buffer with the
     pen's round caps: a pixel's coverage is how deep its centre lies inside
     the capsule, ramped over one pixel for a smooth edge. Ink keeps the
     maximum with what is there, so a stroke's overlapping segments leave no
     seams; the eraser keeps the minimum with 255 − coverage. */
  function paintSegment(a, b, erase) {
    var r = PEN / 2, ax = a[0], ay = a[1], dx = b[0] - ax, dy = b[1] - ay, len2 = dx * dx + dy * dy;
    var xa = Math.max(0, Math.floor(Math.min(ax, b[0]) - r - 1)), xb = Math.min(PAD - 1, Math.ceil(Math.max(ax, b[0]) + r + 1));
    var ya = Math.max(0, Math.floor(Math.min(ay, b[1]) - r - 1)), yb = Math.min(PAD - 1, Math.ceil(Math.max(ay, b[1]) + r + 1));
    var x, y, t, ex, ey, cov, v, i;
    for (y = ya; y <= yb; y++) {
      for (x = xa; x <= xb; x++) {
        t = len2 > 0 ? clamp(((x + 0.5 - ax) * dx + (y + 0.5 - ay) * dy) / len2, 0, 1) : 0;
        ex = ax + t * dx - (x + 0.5);
        ey = ay + t * dy - (y + 0.5);
        cov = clamp(r + 0.5 - Math.sqrt(ex * ex + ey * ey), 0, 1);
        if (cov <= 0) { continue; }
        v = Math.round(cov * 255);
        i = y * PAD + x;
        ink[i] = erase ? Math.min(ink[i], 255 - v) : Math.max(ink[i], v);
      }
    }
  }

  /* The same segment on screen: black ink or white (erased) paper. */
  function drawSegment(a, b, erase) {
    padCtx.strokeStyle = padCtx.fillStyle = erase ? "#ffffff" : "#000000";
    padCtx.beginPath();
    if (a[0] === b[0] && a[1] === b[1]) {
      padCtx.arc(a[0], a[1], PEN / 2, 0, 2 * Math.PI);
      padCtx.fill();
    } else {
      padCtx.moveTo(a[0], a[1]);
      padCtx.lineTo(b[0], b[1]);
      padCtx.stroke();
    }
  }

  /* Sizes the pad's backing store for the screen (devicePixelRatio), so
     strokes stay crisp; the drawing itself is in 280×280 logical px. */
  function sizePad() {
    var dpr = window.devicePixelRatio || 1;
    if (dpr === padScale) { return false; }
    padScale = dpr;
    pad.width = Math.round(PAD * dpr);
    pad.height = Math.round(PAD * dpr);
    padCtx.setTransform(pad.width / PAD, 0, 0, pad.height / PAD, 0, 0);
    padCtx.lineWidth = PEN;
    padCtx.lineCap = "round";
    padCtx.lineJoin = "round";
    return true;
  }

  /* Rebuilds the ink buffer and the screen from the undo stack: the last base
     image (if any), scaled ×10 nearest-neighbour, then the strokes after it. */
  function rebuild() {
    var start = lastBase(), base = start >= 0 ? actions[start].pixels : null, x, y, k, j;
    ink.fill(0);
    padCtx.fillStyle = "#ffffff";
    padCtx.fillRect(0, 0, PAD, PAD);
    if (base) {
      for (y = 0; y < PAD; y++) {
        for (x = 0; x < PAD; x++) { ink[y * PAD + x] = base[Math.floor(y / CELL) * N + Math.floor(x / CELL)]; }
      }
      var bctx = baseCanvas.getContext("2d"), img = bctx.createImageData(N, N);
      for (k = 0; k < PIXELS; k++) {
        img.data[4 * k] = img.data[4 * k + 1] = img.data[4 * k + 2] = 255 - base[k];
        img.data[4 * k + 3] = 255;
      }
      bctx.putImageData(img, 0, 0);
      padCtx.imageSmoothingEnabled = false;
      padCtx.drawImage(baseCanvas, 0, 0, PAD, PAD);
    }
    for (k = start + 1; k < actions.length; k++) {
      var pts = actions[k].points, erase = actions[k].tool === "erase";
      for (j = 0; j < pts.length; j++) {
        paintSegment(pts[Math.max(j - 1, 0)], pts[j], erase);
        drawSegment(pts[Math.max(j - 1, 0)], pts[j], erase);
      }
    }
  }

  /* Adds a point to the stroke being drawn (or a first point: a dab). */
  function extend(action, p) {
    var pts = action.points, prev = pts.length ? pts[pts.length - 1] : p;
    if (pts.length && prev[0] === p[0] && prev[1] === p[1]) { return; }
    pts.push(p);
    paintSegment(prev, p, action.tool === "erase");
    drawSegment(prev, p, action.tool === "erase");
  }

  /* The 784 bytes the net sees now, with how they were made. */
  function currentInput() {
    if (mode() === "base") { return { bytes: blockAverage(ink), shift: null }; }
    return preprocessFree(ink);
  }

  /* ---------- Actions ---------- */

  function endStroke() {
    if (!stroke) { return; }
    try { pad.releasePointerCapture(stroke.id); } catch (e) { /* already released */ }
    stroke = null;
  }

  /* A fresh start on a base image: the stack holds just it (Undo goes back
     to a blank pad). */
  function startFrom(pixels, what) {
    endStroke();
    actions = [{ type: "base", pixels: pixels, what: what }];
    rebuild();
    update();
  }

  function startFromDigit(position) {
    var d = model.digits[position];
    if (!d) { return false; }
    var sel = byId("kv-digit");
    if (sel) { sel.value = String(position); }
    startFrom(new Uint8Array(d.pixels), "test image " + d.index + " (" + article(d.label) + ")");
    return true;
  }

  /* The key as an input: ink wherever its weight is positive. */
  function startFromKey(i) {
    i = Number(i);
    if (Math.floor(i) !== i || i < 0 || i >= model.hidden) { return false; }
    var px = new Uint8Array(PIXELS), p;
    for (p = 0; p < PIXELS; p++) { px[p] = model.w1[i * PIXELS + p] > 0 ? 255 : 0; }
    var field = byId("kv-key");
    if (field) { field.value = String(i); }
    selected = i;    // and show that pair's detail
    startFrom(px, "the key of pair " + i + " (255 where its weight is positive)");
    return true;
  }

  function clearPad() {
    endStroke();
    actions = [];
    rebuild();
    update();
  }

  function undo() {
    endStroke();
    if (!actions.length) { return; }
    actions.pop();
    rebuild();
    update();
  }

  function setTool(t) {
    if (t !== "draw" && t !== "erase") { return; }
    tool = t;
    byId("kv-tool-draw").setAttribute("aria-pressed", String(t === "draw"));
    byId("kv-tool-erase").setAttribute("aria-pressed", String(t === "erase"));
    pad.classList.toggle("kv-erasing", t === "erase");
  }

  /* ---------- Pointer and keyboard input ---------- */

  /* An event's position in pad coordinates (0..280, whatever the pad's size on screen). */
  function pointOf(e) {
    var rect = pad.getBoundingClientRect();
    return [(e.clientX - rect.left) * PAD / rect.width, (e.clientY - rect.top) * PAD / rect.height];
  }

  function onPointerDown(e) {
    if (stroke || (e.pointerType === "mouse" && e.button !== 0)) { return; }
    // No preventDefault: the press focuses the pad as a mouse focus (for
    // Ctrl+Z, without the keyboard's ring); CSS stops selection and scrolling.
    showCursor(false);
    try { pad.setPointerCapture(e.pointerId); } catch (err) { /* synthetic pointer: draw without capture */ }
    var action = { type: "stroke", tool: tool, points: [] };
    actions.push(action);
    stroke = { action: action, id: e.pointerId };
    extend(action, pointOf(e));
    scheduleUpdate();
  }

  function onPointerMove(e) {
    if (!stroke || e.pointerId !== stroke.id) { return; }
    // Coalesced events: every position the pointer passed since the last frame.
    var list = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    if (!list.length) { list = [e]; }
    for (var k = 0; k < list.length; k++) { extend(stroke.action, pointOf(list[k])); }
    scheduleUpdate();
  }

  function onPointerUp(e) {
    if (!stroke || e.pointerId !== stroke.id) { return; }
    if (e.type === "pointerup") { extend(stroke.action, pointOf(e)); }
    endStroke();
    update();                      // the final result, without waiting for a frame
  }

  function showCursor(on) {
    var c = byId("kv-cursor"), pos = byId("kv-cursor-pos");
    if (!c) { return; }
    c.hidden = !on;
    c.style.left = (cursor.x * 100 / N) + "%";
    c.style.top = (cursor.y * 100 / N) + "%";
    if (pos) { pos.textContent = on ? "Cursor at column " + (cursor.x + 1) + ", row " + (cursor.y + 1) + " of 28." : ""; }
  }

  var MOVES = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

  function onPadKey(e) {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && (e.key === "z" || e.key === "Z")) {
      e.preventDefault();
      undo();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (MOVES[e.key]) {
      e.preventDefault();
      cursor.x = clamp(cursor.x + MOVES[e.key][0], 0, N - 1);
      cursor.y = clamp(cursor.y + MOVES[e.key][1], 0, N - 1);
      showCursor(true);
    } else if (e.key === " " || e.key === "Enter") {
      e.preventDefault();
      if (e.repeat) { return; }
      // A dab: a one-point stroke at the centre of the cursor's cell.
      endStroke();
      var action = { type: "stroke", tool: tool, points: [] };
      actions.push(action);
      extend(action, [cursor.x * CELL + CELL / 2, cursor.y * CELL + CELL / 2]);
      showCursor(true);
      update();
    }
  }

  /* ---------- Results: what the network sees ---------- */

  var current = null;         // { bytes, shift, a (compute()) } of the last update
  var updates = 0;
  var selected = null;        // the pair whose detail is shown, or null
  var frame = 0;               // the pending update's animation frame
  var resizing = 0;            // the pending chart resize's animation frame

  function renderSeen() {
    var canvas = byId("kv-seen"), ctx = canvas.getContext("2d"), img = ctx.createImageData(N, N), p, inked = 0;
    for (p = 0; p < PIXELS; p++) {
      img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = 255 - current.bytes[p];
      img.data[4 * p + 3] = 255;
      if (current.bytes[p] > 0) { inked++; }
    }
    ctx.putImageData(img, 0, 0);
    canvas.setAttribute("aria-label", "The 28 by 28 input the network sees, " + plural(inked, "pixel", "pixels") + " inked");
    var text = byId("kv-seen-text"), base = lastBase(), s = current.shift, moves = [];
    text.textContent = "";
    add(text, "span", "kv-strong", plural(inked, "pixel", "pixels") + " of 784 inked.");
    text.appendChild(document.createTextNode(" "));
    if (base >= 0) {
      text.appendChild(document.createTextNode("Drawn on " + actions[base].what +
        ": each 10 × 10 block of the pad is one pixel; no scaling, no recentring."));
    } else if (!s) {
      text.appendChild(document.createTextNode("Nothing drawn yet: every pixel is 0."));
    } else {
      if (s[0]) { moves.push(Math.abs(s[0]) + " px " + (s[0] > 0 ? "right" : "left")); }
      if (s[1]) { moves.push(Math.abs(s[1]) + " px " + (s[1] > 0 ? "down" : "up")); }
      text.appendChild(document.createTextNode("Scaled to fit a 20 × 20 box, then " +
        (moves.length ? "moved " + moves.join(" and ") + " to put its centre of mass in the middle." :
          "left in place: its centre of mass is already in the middle.")));
    }
  }

  /* ---------- Results: scores ---------- */

  function verdict(r, a, inked) {
    var p = a.pred, base;
    if (p.digit === null) {
      base = "The network cannot choose: " + listing(p.ties) + " tie at " + num(r.logits[p.ties[0]]) + ".";
    } else {
      base = "The network reads " + article(p.digit) + ": its score leads the " + r.runnerUp + " by " + num(r.lead) + ".";
    }
    if (!inked) {
      return "Draw a digit… With the pad blank, the scores are " + (r.active ?
        "b2 plus the " + plural(r.active, "pair", "pairs") + " whose bias alone is positive. " :
        "b2 alone: no pair's bias is positive. ") + base;
    }
    return base;
  }

  function renderScores() {
    var r = current.a.result, list = byId("kv-scores"), lo = 0, hi = 0, d;
    byId("kv-verdict").textContent = verdict(r, current.a, current.a.inked.length);
    for (d = 0; d < DIGITS; d++) { lo = Math.min(lo, r.logits[d]); hi = Math.max(hi, r.logits[d]); }
    var span = hi - lo || 1;
    if (!list.children.length) {
      // Built once: a row per digit (its digit, a track with the bar, the value).
      for (d = 0; d < DIGITS; d++) {
        var li = add(list, "li", "kv-score");
        add(li, "span", "kv-score-digit", String(d));
        var track = add(li, "span", "kv-score-track");
        track.setAttribute("aria-hidden", "true");
        add(track, "span", "kv-score-zero");
        add(track, "span", "kv-score-bar");
        add(li, "span", "kv-score-value");
      }
    }
    for (d = 0; d < DIGITS; d++) {
      var row = list.children[d], v = r.logits[d];
      var bar = row.querySelector(".kv-score-bar");
      var isTop = r.prediction === d, isTie = r.ties.indexOf(d) >= 0;
      row.classList.toggle("is-top", isTop || isTie);
      row.classList.toggle("is-runner", r.prediction !== null && d === r.runnerUp);
      row.querySelector(".kv-score-zero").style.left = (-lo / span * 100) + "%";
      bar.style.left = ((Math.min(v, 0) - lo) / span * 100) + "%";
      bar.style.width = (Math.abs(v) / span * 100) + "%";
      row.querySelector(".kv-score-value").textContent = num(v) + (isTop ? " (predicted)" : isTie ? " (tied)" : "");
    }
  }

  /* ---------- Charts: shared bits ---------- */

  /* About `count` round tick values spanning [lo, hi]. */
  function ticks(lo, hi, count) {
    if (hi - lo < 1e-9) { lo -= 1; hi += 1; }      // a flat series still gets an axis around it
    var span = hi - lo, raw = span / count, mag = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    var f = raw / mag, step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag, out = [], v;
    // From the round value at or below lo to the one at or above hi.
    var first = Math.floor(lo / step + 1e-9), last = Math.ceil(hi / step - 1e-9);
    for (v = first; v <= last; v++) { out.push(v * step + 0); }
    return { values: out, step: step };
  }
  function tickText(v, step) {
    var dec = step >= 1 ? 0 : Math.min(4, Math.ceil(-Math.log(step) / Math.LN10 - 1e-9));
    var s = Math.abs(v).toFixed(dec);
    return (v < 0 && Number(s) !== 0 ? MINUS : "") + s;
  }
  /* Horizontal grid lines and labels for the y axis of a chart. */
  function yAxis(g, t, y, left, right) {
    t.values.forEach(function (v) {
      svg(g, "line", { x1: left, x2: right, y1: r2(y(v)), y2: r2(y(v)), "class": v === 0 ? "kv-zero" : "kv-grid" });
      svg(g, "text", { x: left - 6, y: r2(y(v) + 4), "text-anchor": "end", "class": "kv-tick" }, tickText(v, t.step));
    });
  }
  /* An empty chart as wide as its box (300 to 720 px), drawn 1:1 so its
     text keeps its size on a phone. */
  function newChart(box, h, label) {
    var w = Math.round(clamp(box.clientWidth || 600, 300, 720));
    box.textContent = "";
    return svg(box, "svg", { width: w, height: h, viewBox: "0 0 " + w + " " + h, role: "img", "aria-label": label, "class": "kv-chart" });
  }
  /* A legend from x0 to maxX, wrapping into rows; items: [mark(g, x, y), text].
     Returns the y below it. */
  function legend(chart, items, x0, y0, maxX) {
    var g = svg(chart, "g", { "class": "kv-legend" }), x = x0, y = y0;
    items.forEach(function (it) {
      var w = 34 + it[1].length * 6.6;      // mark, gap, text at ~6.6 px a character
      if (x > x0 && x + w > maxX) { x = x0; y += 18; }
      it[0](g, x + 6, y);
      svg(g, "text", { x: r2(x + 16), y: y + 4 }, it[1]);
      x += w;
    });
    return y + 10;
  }
  function markTop(g, x, y, size) { svg(g, "circle", { cx: r2(x), cy: r2(y), r: size || 4.5, "class": "kv-mark kv-s-top" }); }
  function markRunner(g, x, y, size) {
    size = size || 4.5;
    svg(g, "rect", { x: r2(x - size), y: r2(y - size), width: 2 * size, height: 2 * size, "class": "kv-mark kv-s-runner" });
  }

  /* ---------- Results: the waterfall of the top two scores ---------- */

  /* Rows: b2, the first TOP pairs of the decision order, the rest, the logits;
     each with the running scores of the top digit and the runner-up. */
  function waterfallRows(r) {
    var b2 = model.b2, top = r.top, ru = r.runnerUp, rows = [], t = b2[top], u = b2[ru], k;
    rows.push({ label: "b2", short: ["b2"], top: t, runner: u });
    for (k = 0; k < r.pairs.length && k < TOP; k++) {
      t += r.pairs[k].scaled[top];
      u += r.pairs[k].scaled[ru];
      rows.push({ label: "pair " + r.pairs[k].pair, short: ["pair", String(r.pairs[k].pair)], top: t, runner: u });
    }
    if (r.pairs.length > TOP) {
      for (k = TOP; k < r.pairs.length; k++) { t += r.pairs[k].scaled[top]; u += r.pairs[k].scaled[ru]; }
      var rest = r.pairs.length - TOP;
      rows.push({ label: "rest (" + plural(rest, "pair", "pairs") + ")", short: ["rest", "(" + rest + ")"], top: t, runner: u });
    }
    rows.push({ label: "logits", short: ["logits"], top: r.logits[top], runner: r.logits[ru], total: true });
    rows.forEach(function (row) { row.lead = row.top - row.runner; });
    return rows;
  }

  function renderWaterfallChart(r, rows) {
    var top = r.top, ru = r.runnerUp, H = 300, L = 46, R = 10, B = 46, lo = 0, hi = 0;
    var chart = newChart(byId("kv-waterfall"), H, "Running scores of " + top + " and " + ru +
      " from b2 through the top pairs to the logits, with the lead of " + top + " over " + ru +
      " as bars; the numbers are in the table below.");
    var W = Number(chart.getAttribute("width"));
    var T = legend(chart, [
      [markTop, "score of " + top],
      [markRunner, "score of " + ru],
      [function (g, x, y) { svg(g, "rect", { x: x - 6, y: y - 6, width: 12, height: 12, "class": "kv-wf-lead" }); },
        "lead of " + top + " over " + ru]
    ], L - 10, 12, W - R) + 8;
    rows.forEach(function (row) {
      lo = Math.min(lo, row.top, row.runner, row.lead);
      hi = Math.max(hi, row.top, row.runner, row.lead);
    });
    var t = ticks(lo, hi, 5);
    lo = Math.min(lo, t.values[0]);
    hi = Math.max(hi, t.values[t.values.length - 1]);
    var span = hi - lo || 1, band = (W - L - R) / rows.length;
    function y(v) { return T + (hi - v) / span * (H - T - B); }
    function x(k) { return L + band * (k + 0.5); }
    yAxis(chart, t, y, L, W - R);
    // The lead as bars from zero, behind the two series.
    rows.forEach(function (row, k) {
      var y0 = y(0), y1 = y(row.lead);
      svg(chart, "rect", { x: r2(x(k) - band * 0.28), width: r2(band * 0.56), y: r2(Math.min(y0, y1)),
        height: r2(Math.max(Math.abs(y1 - y0), 0.5)), "class": "kv-wf-lead" + (row.total ? " kv-total" : "") });
    });
    // Each series: a line through the running scores, a mark per row (bigger for the logits).
    [["runner", "kv-s-runner", markRunner], ["top", "kv-s-top", markTop]].forEach(function (s) {
      svg(chart, "polyline", { points: rows.map(function (row, k) { return r2(x(k)) + "," + r2(y(row[s[0]])); }).join(" "),
        "class": "kv-line " + s[1] });
      rows.forEach(function (row, k) { s[2](chart, x(k), y(row[s[0]]), row.total ? 6 : 4.5); });
    });
    // Row names under the axis, on two lines ("pair" over its number).
    rows.forEach(function (row, k) {
      var text = svg(chart, "text", { y: H - B + 16, "text-anchor": "middle", "class": "kv-tick" + (row.total ? " kv-strong" : "") });
      row.short.forEach(function (line, j) { svg(text, "tspan", { x: r2(x(k)), dy: j ? 13 : 0 }, line); });
    });
  }

  function renderWaterfall() {
    var r = current.a.result, rows = waterfallRows(r), top = r.top, ru = r.runnerUp;
    renderWaterfallChart(r, rows);

    // The same numbers as a table.
    var table = byId("kv-waterfall-table"), head, body;
    table.textContent = "";
    add(table, "caption", null, "Running scores of " + top + " and " + ru + ", step by step");
    head = table.createTHead().insertRow();
    ["Step", "Score of " + top, "Score of " + ru, "Lead"].forEach(function (h, k) {
      var th = add(head, "th", k ? "kv-num" : null, h);
      th.scope = "col";
    });
    body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow(), th = add(tr, "th", null, row.label);
      th.scope = "row";
      add(tr, "td", "kv-num", num(row.top));
      add(tr, "td", "kv-num", num(row.runner));
      add(tr, "td", "kv-num", num(row.lead));
    });
  }

  /* ---------- Results: the top pairs as cards, and one pair's detail ---------- */

  /* The value v_i as ten coloured cells, scaled by its largest magnitude. */
  function valueCells(parent, i, r) {
    var H = model.hidden, vals = [], d, m;
    for (d = 0; d < DIGITS; d++) { vals.push(model.w2[d * H + i]); }
    m = maxAbs(vals);
    var strip = add(parent, "span", "kv-value");
    strip.setAttribute("aria-hidden", "true");
    vals.forEach(function (v, d2) {
      var c = diverging(m > 0 ? v / m : 0), cell = add(strip, "span", "kv-value-cell", String(d2));
      cell.style.background = css(c);
      cell.style.color = textOn(c);
      if (r && d2 === r.top) { cell.classList.add("kv-is-top"); }
      if (r && d2 === r.runnerUp) { cell.classList.add("kv-is-runner"); }
    });
    return strip;
  }

  function keyCanvas(i, className) {
    var c = make("canvas", className);
    c.width = c.height = N;
    c.setAttribute("role", "img");
    c.setAttribute("aria-label", "Key of pair " + i + " as a heatmap, red positive, blue negative");
    var ctx = c.getContext("2d"), key = model.w1.subarray(i * PIXELS, (i + 1) * PIXELS);
    if (!keyImages[i]) { keyImages[i] = heatmapImage(ctx, key, maxAbs(key)); }
    ctx.putImageData(keyImages[i], 0, 0);
    return c;
  }

  function renderCards() {
    var r = current.a.result, box = byId("kv-cards"), had = document.activeElement;
    var refocus = had && had.classList && had.classList.contains("kv-card") && box.contains(had) ? Number(had.getAttribute("data-pair")) : null;
    box.textContent = "";
    if (!r.pairs.length) {
      add(box, "p", "kv-muted", "No pair is active: every key's sum with its bias is zero or less.");
      return;
    }
    r.pairs.slice(0, TOP).forEach(function (c) {
      var b = add(box, "button", "kv-card");
      b.type = "button";
      b.setAttribute("data-pair", String(c.pair));
      b.setAttribute("aria-pressed", String(selected === c.pair));
      b.setAttribute("aria-controls", "kv-detail");
      // The button's name is its content (the value's cells are hidden from
      // it): "pair 17, a = 3.21, lead +1.20 (of 3 over 5)" after the key's label.
      b.appendChild(keyCanvas(c.pair, "kv-key"));
      var text = add(b, "span", "kv-card-text");
      add(text, "span", "kv-card-title", "pair " + c.pair);
      add(text, "span", "kv-card-line", "a = " + num(c.activation));
      valueCells(b, c.pair, r);
      var lead = add(b, "span", "kv-card-lead" + (c.decision < 0 ? " kv-neg" : ""), "lead " + signed(c.decision));
      add(lead, "span", "kv-sr", " (of " + r.top + " over " + r.runnerUp + ")");
      if (refocus === c.pair) { b.focus({ preventScroll: true }); }
    });
  }

  function renderDetail() {
    var box = byId("kv-detail"), i = selected, r = current.a.result, H = model.hidden;
    box.textContent = "";
    if (i === null || i >= H) {
      add(box, "p", "kv-muted", "Choose a pair above to see how its key meets the input.");
      return;
    }
    // k_i ⊙ x over the inked pixels, and its sum k · x in pixel order (as in compute()).
    var prod = new Float64Array(PIXELS), inked = current.a.inked, xs = current.a.xs, kx = 0, j, d;
    for (j = 0; j < inked.length; j++) {
      prod[inked[j]] = model.w1[i * PIXELS + inked[j]] * xs[j];
      kx += prod[inked[j]];
    }
    var bias = model.b1[i], pre = kx + bias, a = pre > 0 ? pre : 0;
    add(box, "h3", null, "Pair " + i + " on this input");
    var grid = add(box, "div", "kv-detail-grid");
    var fig = add(grid, "figure", "kv-detail-fig");
    var c = make("canvas", "kv-product"), ctx;
    c.width = c.height = N;
    c.setAttribute("role", "img");
    c.setAttribute("aria-label", "Key of pair " + i + " times the input, pixel by pixel, as a 28 by 28 heatmap: red adds to k · x, blue takes away");
    ctx = c.getContext("2d");
    ctx.putImageData(heatmapImage(ctx, prod, maxAbs(prod)), 0, 0);
    fig.appendChild(c);
    add(fig, "figcaption", null, "key ⊙ input: red adds, blue takes away");
    var steps = add(grid, "table", "kv-steps"), body = steps.createTBody();
    steps.createCaption().textContent = "From input to activation";
    [["key·image k · x", num(kx)], ["+ bias b1", signed(bias)], ["= match", num(pre)],
      ["a = ReLU(match)", num(a) + (pre > 0 ? "" : " (silent: match ≤ 0)")]].forEach(function (s) {
      var tr = body.insertRow(), th = add(tr, "th", null, s[0]);
      th.scope = "row";
      add(tr, "td", "kv-num", s[1]);
    });
    // What the pair adds to every score: a · v_i.
    var table = add(grid, "table", "kv-scaled");
    add(table, "caption", null, "What pair " + i + " adds to each score: a · v");
    var head = table.createTHead().insertRow();
    ["Digit", "v", "a · v"].forEach(function (h, k) { var th = add(head, "th", k ? "kv-num" : null, h); th.scope = "col"; });
    var tb = table.createTBody();
    for (d = 0; d < DIGITS; d++) {
      var v = model.w2[d * H + i], tr = tb.insertRow(), th = add(tr, "th", null, String(d));
      th.scope = "row";
      if (d === r.top || d === r.runnerUp) { tr.className = d === r.top ? "kv-is-top" : "kv-is-runner"; }
      add(tr, "td", "kv-num", num(v));
      add(tr, "td", "kv-num", num(a * v));
    }
  }

  function onCardClick(e) {
    var b = e.target.closest ? e.target.closest(".kv-card") : null;
    if (!b) { return; }
    var i = Number(b.getAttribute("data-pair"));
    selected = selected === i ? null : i;
    Array.prototype.forEach.call(byId("kv-cards").querySelectorAll(".kv-card"), function (c) {
      c.setAttribute("aria-pressed", String(Number(c.getAttribute("data-pair")) === selected));
    });
    renderDetail();
  }

  /* ---------- Results: the flip curve ---------- */

  function predText(p) { return p.digit !== null ? String(p.digit) : "a tie of " + listing(p.ties); }

  function renderCurveChart(a) {
    var r = a.result, leads = a.leads, n = r.active, top = r.top, H = 260, L = 46, R = 14, B = 40, lo = 0, hi = 0, k;
    var chart = newChart(byId("kv-curve"), H, "Lead of " + top +
      " over the best other digit as the active pairs are added in decision order; described below.");
    var W = Number(chart.getAttribute("width"));
    chart.setAttribute("aria-describedby", "kv-curve-text");
    var items = [[function (g, x, y) { svg(g, "line", { x1: x - 7, x2: x + 7, y1: y, y2: y, "class": "kv-line kv-s-top" }); },
      "lead of " + top + " over the best other digit"]];
    if (r.flips.length) { items.push([function (g, x, y) { svg(g, "circle", { cx: x, cy: y, r: 5, "class": "kv-flip" }); }, "prediction changes"]); }
    items.push([function (g, x, y) { svg(g, "line", { x1: x, x2: x, y1: y - 7, y2: y + 7, "class": "kv-settle" }); }, "settles at " + r.settlesAt]);
    var T = legend(chart, items, L - 10, 12, W - R) + 8;
    for (k = 0; k < leads.length; k++) { lo = Math.min(lo, leads[k]); hi = Math.max(hi, leads[k]); }
    var xmax = Math.max(n, 1), t = ticks(lo, hi, 4), xt = ticks(0, xmax, Math.max(3, Math.floor((W - L - R) / 70)));
    lo = Math.min(lo, t.values[0]);
    hi = Math.max(hi, t.values[t.values.length - 1]);
    var span = hi - lo || 1;
    function x(i) { return L + i / xmax * (W - L - R); }
    function y(v) { return T + (hi - v) / span * (H - T - B); }
    yAxis(chart, t, y, L, W - R);
    xt.values.forEach(function (v) {
      if (v !== Math.floor(v) || v > xmax) { return; }    // whole pairs, inside the axis
      svg(chart, "line", { x1: r2(x(v)), x2: r2(x(v)), y1: H - B, y2: H - B + 4, "class": "kv-axis" });
      svg(chart, "text", { x: r2(x(v)), y: H - B + 16, "text-anchor": "middle", "class": "kv-tick" }, String(v));
    });
    svg(chart, "text", { x: r2((L + W - R) / 2), y: H - 6, "text-anchor": "middle", "class": "kv-tick" }, "pairs added, in decision order");
    svg(chart, "line", { x1: r2(x(r.settlesAt)), x2: r2(x(r.settlesAt)), y1: T, y2: H - B, "class": "kv-settle" });
    svg(chart, "polyline", { points: leads.map(function (v, i) { return r2(x(i)) + "," + r2(y(v)); }).join(" "), "class": "kv-line kv-s-top" });
    if (n === 0) { markTop(chart, x(0), y(leads[0]), 3.5); }
    r.flips.forEach(function (f) {
      var c = svg(chart, "circle", { cx: r2(x(f.n)), cy: r2(y(leads[f.n])), r: 5, "class": "kv-flip" });
      svg(c, "title", null, "after " + f.n + " pairs: " + predText(a.preds[f.n - 1]) + " → " + predText(a.preds[f.n]));
    });
  }

  function renderCurve() {
    var a = current.a, r = a.result, leads = a.leads, n = r.active, top = r.top;
    renderCurveChart(a);

    // The text equivalent.
    var text = byId("kv-curve-text"), flipsBox = byId("kv-flips");
    if (n === 0) {
      text.textContent = "No pair is active, so the scores are b2 alone and the prediction (" + predText(a.pred) + ") has nothing to change it.";
    } else if (r.settlesAt === 0) {
      text.textContent = "The prediction (" + predText(a.pred) + ") is settled from the start: b2 alone gives it, and adding the " +
        plural(n, "active pair", "active pairs") + " in decision order never changes it.";
    } else {
      text.textContent = "The prediction settles after " + r.settlesAt + " of " + plural(n, "active pair", "active pairs") +
        "; it changes " + times(r.flips.length) + " on the way.";
    }
    flipsBox.textContent = "";
    if (!r.flips.length) {
      add(flipsBox, "p", "kv-muted", "No flips: the prediction never changes.");
      return;
    }
    var table = add(flipsBox, "table", "kv-flips-table");
    add(table, "caption", null, "Where the prediction changes as pairs are added in decision order");
    var head = table.createTHead().insertRow();
    ["Pairs added", "From", "To", "Lead of " + top].forEach(function (h, i) {
      var th = add(head, "th", i === 0 || i === 3 ? "kv-num" : null, h);
      th.scope = "col";
    });
    var body = table.createTBody();
    r.flips.forEach(function (f) {
      var tr = body.insertRow(), th = add(tr, "th", "kv-num", String(f.n));
      th.scope = "row";
      add(tr, "td", null, predText(a.preds[f.n - 1]));
      add(tr, "td", null, predText(a.preds[f.n]));
      add(tr, "td", "kv-num", num(leads[f.n]));
    });
  }

  /* ---------- Updating ---------- */

  /* The note under the pad: how the pad becomes the input. (Undo and Clear
     stay enabled, a no-op on an empty pad, so a keyboard user's focus never
     falls off a button that just went disabled.) */
  function renderModeNote() {
    var note = byId("kv-mode-note"), base = lastBase();
    note.textContent = base >= 0 ?
      "Drawing on " + actions[base].what + ". Each 10 × 10 block of the pad becomes one input pixel, exactly; " +
        "there is no scaling or recentring. Clear to draw freely again." :
      "Free drawing: your ink is scaled so its longer side is 20 pixels and centred by its centre of mass, as the MNIST digits were.";
  }

  /* Recomputes everything from the pad and redraws the results. */
  function update() {
    if (frame) { window.cancelAnimationFrame(frame); frame = 0; }
    var input = currentInput();
    current = { bytes: input.bytes, shift: input.shift, a: compute(input.bytes) };
    updates++;
    renderModeNote();
    renderSeen();
    renderScores();
    renderWaterfall();
    renderCards();
    renderDetail();
    renderCurve();
  }

  /* During a stroke: at most one update per frame. */
  function scheduleUpdate() {
    if (!frame) { frame = window.requestAnimationFrame(function () { frame = 0; update(); }); }
  }

  /* ---------- Start ---------- */

  function fail(err) {
    var box = byId("kv-error"), app = byId("kv-app");
    if (!box) {
      box = make("p", "kv-error");
      box.id = "kv-error";
      box.textContent = "The explorer cannot run: explorer/model.js did not load.";
      (app ? app.parentNode : document.body).insertBefore(box, app || null);
    }
    if (err.browser) {
      box.textContent = err.message;   // the model is fine; the browser cannot unpack it
    } else {
      add(box, "span", "kv-error-detail", " (" + err.message + ".)");
    }
    box.hidden = false;
    if (app) { app.hidden = true; }
    root.setAttribute("data-error", err.browser ? "browser" : "model");
  }

  /* Checks the browser and the model, then unpacks the model (asynchronous:
     the browser inflates it) and runs the page. */
  function start() {
    var p;
    try {
      if (typeof window.DecompressionStream !== "function" || typeof window.Response !== "function" ||
          typeof window.Blob !== "function" || typeof Blob.prototype.stream !== "function") {
        throw tooOld();
      }
      p = plan(window.KVLENS_MODEL);
    } catch (err) {
      fail(err);
      return;
    }
    // (Inside a promise, so a damaged Z85 text rejects like a damaged stream.)
    Promise.resolve(p).then(decode).then(function (m) {
      model = m;
      run();
    }, fail);
  }

  /* The page, once the model is decoded. */
  function run() {
    pad = byId("kv-pad");
    padCtx = pad.getContext("2d");
    baseCanvas = make("canvas");
    baseCanvas.width = baseCanvas.height = N;
    sizePad();
    rebuild();

    pad.addEventListener("pointerdown", onPointerDown);
    pad.addEventListener("pointermove", onPointerMove);
    pad.addEventListener("pointerup", onPointerUp);
    pad.addEventListener("pointercancel", onPointerUp);
    pad.addEventListener("lostpointercapture", onPointerUp);
    pad.addEventListener("keydown", onPadKey);
    pad.addEventListener("focus", function () { if (pad.matches(":focus-visible")) { showCursor(true); } });
    pad.addEventListener("blur", function () { showCursor(false); });
    window.addEventListener("resize", function () {
      if (sizePad()) { rebuild(); }
      if (!resizing) {
        // The charts follow their boxes' width; once a frame is enough.
        resizing = window.requestAnimationFrame(function () {
          resizing = 0;
          renderWaterfallChart(current.a.result, waterfallRows(current.a.result));
          renderCurveChart(current.a);
        });
      }
    });

    byId("kv-tool-draw").addEventListener("click", function () { setTool("draw"); });
    byId("kv-tool-erase").addEventListener("click", function () { setTool("erase"); });
    byId("kv-undo").addEventListener("click", undo);
    byId("kv-clear").addEventListener("click", clearPad);
    byId("kv-cards").addEventListener("click", onCardClick);
    var digitButton = byId("kv-start-digit");
    if (digitButton) {
      digitButton.addEventListener("click", function () { startFromDigit(Number(byId("kv-digit").value)); });
    }
    var keyField = byId("kv-key"), keyMsg = byId("kv-key-msg");
    keyField.max = String(model.hidden - 1);
    function fromKey() {
      var ok = /^\s*\d+\s*$/.test(keyField.value) && startFromKey(parseInt(keyField.value, 10));
      keyMsg.textContent = ok ? "" : "Choose a pair from 0 to " + (model.hidden - 1) + ".";
    }
    byId("kv-start-key").addEventListener("click", fromKey);
    keyField.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); fromKey(); } });

    setTool("draw");
    update();

    window.kvExplorer = {
      analyse: function (pixels) { return compute(pixels).result; },
      input: function () { return Array.prototype.slice.call(current.bytes); },
      state: function () {
        var inked = 0;
        for (var p = 0; p < PIXELS; p++) { if (current.bytes[p] > 0) { inked++; } }
        return {
          strokes: actions.length,
          mode: mode(),
          prediction: current.a.result.prediction,
          logits: current.a.result.logits.slice(),
          inked: inked,
          updates: updates
        };
      },
      startFromDigit: startFromDigit,
      startFromKey: startFromKey,
      clear: clearPad,
      undo: undo,
      setTool: setTool,
      weightBits: weightBits
    };
    root.setAttribute("data-ready", "1");
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
