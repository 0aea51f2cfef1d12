// 版面图, enlarged: the "放大" button or the image itself opens the page image in a dialog that
// zooms and pans. Keyboard: + and − zoom, the arrow keys pan, 0 fits the page again, Esc closes
// (and focus goes back where it was). Mouse: the wheel zooms at the pointer, dragging pans, a
// double click zooms in. Touch: two fingers pinch, one drags. Without this script the image is a
// link to the image file.
(function () {
  "use strict";
  var MIN = 1, MAX = 8, STEP = 1.25, PAN = 0.15;
  var dialog, view, img, title, level, zoomIn, zoomOut, opener;
  var s = { scale: 1, fit: 1, x: 0, y: 0, w: 1, h: 1 };  // scale 1: the whole page fits the view
  var pointers = new Map();
  var pinch = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(text, label, action) {
    var b = el("button", { type: "button", "aria-label": label }, text);
    b.addEventListener("click", action);
    return b;
  }

  function build() {
    dialog = el("dialog", { class: "zoom-dialog", "aria-labelledby": "zoom-title" });
    var bar = el("div", { class: "zoom-bar" });
    title = el("h2", { class: "zoom-title", id: "zoom-title" });
    level = el("span", { class: "zoom-level", "aria-live": "polite" }, "100%");
    zoomIn = button("+", "放大", function () { zoomAt(STEP); });
    zoomOut = button("−", "缩小", function () { zoomAt(1 / STEP); });
    bar.append(title, el("span", { class: "zoom-help" }, "＋/－ 缩放，方向键移动，Esc 关闭"),
      zoomOut, level, zoomIn, button("复原", "复原：整版", function () { reset(); }),
      button("关闭", "关闭放大的版面图", function () { dialog.close(); }));
    view = el("div", { class: "zoom-view", tabindex: "0", role: "group", "aria-label": "放大的版面图：方向键移动，加号减号缩放" });
    img = el("img", { alt: "", draggable: "false" });
    view.append(img);
    dialog.append(bar, view);
    document.body.append(dialog);

    dialog.addEventListener("keydown", keys);
    dialog.addEventListener("close", function () {
      pointers.clear();
      if (opener && opener.isConnected) opener.focus();
    });
    view.addEventListener("wheel", function (e) {
      e.preventDefault();
      var r = view.getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    view.addEventListener("dblclick", function (e) {
      var r = view.getBoundingClientRect();
      zoomAt(2, e.clientX - r.left, e.clientY - r.top);
    });
    view.addEventListener("pointerdown", function (e) {
      view.setPointerCapture(e.pointerId);
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      pinch = null;
      view.classList.add("dragging");
    });
    view.addEventListener("pointermove", move);
    ["pointerup", "pointercancel"].forEach(function (type) {
      view.addEventListener(type, function (e) {
        pointers.delete(e.pointerId);
        pinch = null;
        if (!pointers.size) view.classList.remove("dragging");
      });
    });
    window.addEventListener("resize", function () { if (dialog.open) measure(true); });
  }

  function move(e) {
    var last = pointers.get(e.pointerId);
    if (!last) return;
    var now = { x: e.clientX, y: e.clientY };
    pointers.set(e.pointerId, now);
    if (pointers.size === 1) {
      s.x += now.x - last.x;
      s.y += now.y - last.y;
      apply();
      return;
    }
    var two = Array.from(pointers.values()).slice(0, 2);
    var r = view.getBoundingClientRect();
    var mid = { x: (two[0].x + two[1].x) / 2 - r.left, y: (two[0].y + two[1].y) / 2 - r.top };
    var dist = Math.hypot(two[0].x - two[1].x, two[0].y - two[1].y);
    if (pinch && pinch.dist > 0) {
      s.x += mid.x - pinch.mid.x;
      s.y += mid.y - pinch.mid.y;
      zoomAt(dist / pinch.dist, mid.x, mid.y);
    }
    pinch = { dist: dist, mid: mid };
  }

  function keys(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var step = { x: view.clientWidth * PAN, y: view.clientHeight * PAN };
    var moves = { ArrowLeft: [step.x, 0], ArrowRight: [-step.x, 0], ArrowUp: [0, step.y], ArrowDown: [0, -step.y] };
    if (e.key === "+" || e.key === "=") zoomAt(STEP);
    else if (e.key === "-" || e.key === "_" || e.key === "−") zoomAt(1 / STEP);
    else if (e.key === "0") reset();
    else if (moves[e.key]) { s.x += moves[e.key][0]; s.y += moves[e.key][1]; apply(); }
    else return;
    e.preventDefault();
  }

  function zoomAt(factor, cx, cy) {
    if (cx === undefined) { cx = view.clientWidth / 2; cy = view.clientHeight / 2; }
    var scale = Math.min(MAX, Math.max(MIN, s.scale * factor));
    var px = (cx - s.x) / (s.fit * s.scale), py = (cy - s.y) / (s.fit * s.scale);  // the image point under (cx, cy)
    s.scale = scale;
    s.x = cx - px * s.fit * scale;
    s.y = cy - py * s.fit * scale;
    apply();
  }

  function measure(keep) {
    var w = img.naturalWidth || s.w, h = img.naturalHeight || s.h;
    s.w = w; s.h = h;
    s.fit = Math.min(view.clientWidth / w, view.clientHeight / h);
    if (!keep) s.scale = 1;
    apply();
  }

  function reset() {
    s.scale = 1;
    s.x = s.y = -Infinity;  // centred by apply
    apply();
  }

  function clamp(pos, size, room) {
    return size <= room ? (room - size) / 2 : Math.min(0, Math.max(room - size, pos));
  }

  function apply() {
    var w = s.w * s.fit * s.scale, h = s.h * s.fit * s.scale;
    s.x = clamp(s.x, w, view.clientWidth);
    s.y = clamp(s.y, h, view.clientHeight);
    img.style.width = w + "px";
    img.style.height = h + "px";
    img.style.transform = "translate(" + s.x + "px," + s.y + "px)";
    dialog.setAttribute("data-scale", s.scale.toFixed(3));
    level.textContent = Math.round(s.scale * 100) + "%";
    zoomIn.disabled = s.scale >= MAX;
    zoomOut.disabled = s.scale <= MIN;
  }

  function open(link, from) {
    if (!dialog) build();
    opener = from;
    var page = link.querySelector("img");
    title.textContent = link.getAttribute("data-zoom");
    img.alt = page ? page.alt : "";
    // an image without a size of its own (an SVG with only a viewBox) keeps the page's proportions
    s.w = page && page.naturalWidth ? page.naturalWidth : 1000;
    s.h = page && page.naturalWidth ? page.naturalHeight : 1414;
    dialog.showModal();
    view.focus();
    img.onload = function () { measure(); reset(); };
    if (img.getAttribute("src") !== link.href) img.src = link.href;
    measure();
    reset();
  }

  document.querySelectorAll(".facsimile").forEach(function (figure) {
    var link = figure.querySelector(".facsimile-image");
    var show = figure.querySelector(".zoom-open");
    if (!link || typeof HTMLDialogElement !== "function") return;
    link.setAttribute("role", "button");
    link.addEventListener("click", function (e) { e.preventDefault(); open(link, link); });
    link.addEventListener("keydown", function (e) {
      if (e.key === " ") { e.preventDefault(); open(link, link); }
    });
    if (show) {
      show.hidden = false;
      show.addEventListener("click", function () { open(link, show); });
    }
  });
})();
