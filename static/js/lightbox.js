/*
 * The painting page's viewer: every link marked data-lightbox is one view
 * (the painting, its details, "on the wall"). A click opens them in a modal
 * <dialog> on an opaque background, with next/previous, a counter and deep
 * zoom on the largest rendition. Without JavaScript the links open the image.
 *
 * Keys: ← → previous/next (pan when zoomed), ↑ ↓ pan, + − zoom, 0 fit,
 * Escape closes. Touch: swipe for next/previous, pinch or double-tap to zoom,
 * drag to pan. Mouse: wheel zooms at the pointer, drag pans, double-click zooms.
 *
 * Each link carries: href (fallback image), data-srcset, data-width and
 * data-height (the picture's shape), data-caption, and data-zoom: a signed
 * URL whose rendition the server makes only when first asked for it.
 */
(function () {
  "use strict";

  if (typeof HTMLDialogElement !== "function") {
    return;
  }

  var ZOOM_STEP = 1.6;
  var DOUBLE_TAP_ZOOM = 2.5;
  // Zoom stops where one pixel of the largest picture covers this many screen pixels.
  var MAX_PIXEL_RATIO = 2;
  var MIN_MAX_SCALE = 3;
  var PAN_STEP = 0.15; // of the stage, per arrow key press
  var SWIPE_DISTANCE = 50;
  var TAP_DISTANCE = 10;
  var DOUBLE_TAP_MS = 300;

  var links = [];
  var current = 0;
  var opener = null;
  var ui = null;
  // The view's fitted size and its zoom: scale 1 is "fit", x/y the offset of its centre.
  var fit = { width: 0, height: 0 };
  var zoom = { scale: 1, x: 0, y: 0, largestWidth: 0, sourceLoaded: false };
  var pointers = new Map();
  var gesture = null;
  var lastTap = null;
  var lastPointerType = "mouse";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function button(className, text, label, action) {
    var node = element("button", className, text);
    node.type = "button";
    if (label) {
      node.setAttribute("aria-label", label);
    }
    node.addEventListener("click", action);
    return node;
  }

  function build() {
    var dialog = element("dialog", "lightbox");
    dialog.setAttribute("aria-label", "Image viewer");
    dialog.setAttribute("aria-describedby", "lightbox-help");

    var bar = element("div", "lightbox__bar");
    var counter = element("p", "lightbox__counter");
    counter.setAttribute("aria-live", "polite");
    var tools = element("div", "lightbox__tools");
    tools.setAttribute("role", "group");
    tools.setAttribute("aria-label", "Zoom");
    tools.append(
      button("lightbox__zoom-out", "−", "Zoom out", function () { zoomBy(1 / ZOOM_STEP); }),
      button("lightbox__zoom-in", "+", "Zoom in", function () { zoomBy(ZOOM_STEP); }),
      button("lightbox__zoom-reset", "Fit", "Fit to screen", resetZoom)
    );
    var close = button("lightbox__close", "Close", null, function () { dialog.close(); });
    bar.append(counter, tools, close);

    var stage = element("div", "lightbox__stage");
    var image = element("img", "lightbox__image");
    image.alt = "";
    image.draggable = false;
    stage.append(image);

    var caption = element("p", "lightbox__caption");
    var help = element(
      "p",
      "visually-hidden",
      "Left and right arrow keys move between images. Plus and minus zoom, " +
        "arrow keys move the zoomed image, 0 fits it to the screen. Escape closes."
    );
    help.id = "lightbox-help";

    var previous = button("lightbox__step lightbox__step--previous", "‹", "Previous image", function () { step(-1); });
    var next = button("lightbox__step lightbox__step--next", "›", "Next image", function () { step(1); });

    dialog.append(bar, stage, caption, previous, next, help);
    document.body.append(dialog);

    dialog.addEventListener("keydown", onKey);
    dialog.addEventListener("close", onClose);
    stage.addEventListener("pointerdown", onPointerDown);
    stage.addEventListener("pointermove", onPointerMove);
    stage.addEventListener("pointerup", onPointerUp);
    stage.addEventListener("pointercancel", onPointerUp);
    stage.addEventListener("wheel", onWheel, { passive: false });
    // Touch double-taps are read from pointer events (onTap); this is the mouse's.
    stage.addEventListener("dblclick", function (event) {
      if (lastPointerType === "mouse") {
        toggleZoomAt(stagePoint(event));
      }
    });
    window.addEventListener("resize", function () {
      if (dialog.open) {
        layout();
      }
    });

    return {
      dialog: dialog,
      stage: stage,
      image: image,
      counter: counter,
      caption: caption,
      close: close,
      previous: previous,
      next: next,
    };
  }

  // ---- Views --------------------------------------------------------------------------

  function open(link) {
    if (!ui) {
      ui = build();
    }
    links = Array.prototype.slice.call(document.querySelectorAll("a[data-lightbox]"));
    opener = link;
    var several = links.length > 1;
    ui.previous.hidden = !several;
    ui.next.hidden = !several;
    ui.dialog.showModal();
    show(links.indexOf(link));
    ui.close.focus();
  }

  function show(index) {
    current = (index + links.length) % links.length;
    var link = links[current];
    var thumbnail = link.querySelector("img");

    zoom = { scale: 1, x: 0, y: 0, largestWidth: Number(link.dataset.width) || 0, sourceLoaded: false };
    ui.image.removeAttribute("srcset");
    ui.image.removeAttribute("src");
    ui.image.alt = thumbnail ? thumbnail.alt : "";
    layout();
    if (link.dataset.srcset) {
      ui.image.srcset = link.dataset.srcset;
    }
    ui.image.src = link.href;

    ui.counter.textContent = current + 1 + " of " + links.length;
    ui.caption.textContent = link.dataset.caption || "";
    ui.caption.hidden = !ui.caption.textContent;
  }

  function step(direction) {
    if (links.length > 1) {
      show(current + direction);
    }
  }

  function onClose() {
    ui.image.removeAttribute("srcset");
    ui.image.removeAttribute("src");
    pointers.clear();
    gesture = null;
    if (opener) {
      opener.focus();
    }
  }

  // ---- Fitting and zooming ------------------------------------------------------------

  // The view's shape from the link; its box is set here so a sharper source never moves it.
  function layout() {
    var link = links[current];
    var ratio = Number(link.dataset.width) / Number(link.dataset.height) || 1;
    var box = ui.stage.getBoundingClientRect();
    fit.width = Math.max(1, Math.min(box.width, box.height * ratio));
    fit.height = fit.width / ratio;
    ui.image.style.width = fit.width + "px";
    ui.image.style.height = fit.height + "px";
    ui.image.sizes = Math.ceil(fit.width) + "px";
    apply(true);
  }

  function maxScale() {
    return Math.max(MIN_MAX_SCALE, (MAX_PIXEL_RATIO * zoom.largestWidth) / fit.width);
  }

  function boundedScale(scale) {
    return Math.min(maxScale(), Math.max(1, scale));
  }

  // Keeps the scale in bounds and the picture covering the stage (or centred where smaller).
  function clamp() {
    var box = ui.stage.getBoundingClientRect();
    zoom.scale = boundedScale(zoom.scale);
    var spareX = Math.max(0, (fit.width * zoom.scale - box.width) / 2);
    var spareY = Math.max(0, (fit.height * zoom.scale - box.height) / 2);
    zoom.x = Math.min(spareX, Math.max(-spareX, zoom.x));
    zoom.y = Math.min(spareY, Math.max(-spareY, zoom.y));
  }

  function apply(instant) {
    clamp();
    ui.stage.classList.toggle("is-instant", Boolean(instant));
    ui.stage.classList.toggle("is-zoomed", zoom.scale > 1);
    ui.image.style.transform =
      "translate(" + zoom.x + "px, " + zoom.y + "px) scale(" + zoom.scale + ")";
  }

  // Zooms keeping the stage point (relative to its centre) under the pointer still.
  function zoomTo(scale, point) {
    var target = boundedScale(scale);
    var factor = target / zoom.scale;
    point = point || { x: 0, y: 0 };
    zoom.x = point.x - (point.x - zoom.x) * factor;
    zoom.y = point.y - (point.y - zoom.y) * factor;
    zoom.scale = target;
    apply(false);
    if (zoom.scale > 1) {
      loadLargest();
    }
  }

  function zoomBy(factor, point) {
    zoomTo(zoom.scale * factor, point);
  }

  function resetZoom() {
    zoom.x = 0;
    zoom.y = 0;
    zoomTo(1);
  }

  function toggleZoomAt(point) {
    if (zoom.scale > 1) {
      resetZoom();
    } else {
      zoomTo(DOUBLE_TAP_ZOOM, point);
    }
  }

  function pan(dx, dy) {
    zoom.x += dx;
    zoom.y += dy;
    apply(false);
  }

  // Swaps in the deep-zoom rendition once it has loaded and decoded, for this view only.
  function loadLargest() {
    var link = links[current];
    if (zoom.sourceLoaded || !link.dataset.zoom) {
      return;
    }
    zoom.sourceLoaded = true;
    var state = zoom;
    var largest = new Image();
    largest.src = link.dataset.zoom;
    largest
      .decode()
      .then(function () {
        if (state !== zoom || !ui.dialog.open) {
          return;
        }
        // A fresh element: an <img> that had a srcset keeps that srcset's pixel density.
        largest.className = ui.image.className;
        largest.alt = ui.image.alt;
        largest.draggable = false;
        largest.style.cssText = ui.image.style.cssText;
        ui.image.replaceWith(largest);
        ui.image = largest;
        zoom.largestWidth = Math.max(zoom.largestWidth, largest.naturalWidth);
      })
      .catch(function () {
        state.sourceLoaded = false; // keep the sharpest picture we have; a later zoom retries
      });
  }

  function stagePoint(event) {
    var box = ui.stage.getBoundingClientRect();
    return {
      x: event.clientX - box.left - box.width / 2,
      y: event.clientY - box.top - box.height / 2,
    };
  }

  // ---- Keyboard ------------------------------------------------------------------------

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var box = ui.stage.getBoundingClientRect();
    var zoomed = zoom.scale > 1;
    var handled = true;
    switch (event.key) {
      case "ArrowLeft":
        if (zoomed) { pan(box.width * PAN_STEP, 0); } else { step(-1); }
        break;
      case "ArrowRight":
        if (zoomed) { pan(-box.width * PAN_STEP, 0); } else { step(1); }
        break;
      case "ArrowUp":
        pan(0, box.height * PAN_STEP);
        break;
      case "ArrowDown":
        pan(0, -box.height * PAN_STEP);
        break;
      case "+":
      case "=":
        zoomBy(ZOOM_STEP);
        break;
      case "-":
      case "_":
        zoomBy(1 / ZOOM_STEP);
        break;
      case "0":
        resetZoom();
        break;
      case "Tab":
        trapFocus(event);
        return;
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  }

  // Tab and Shift+Tab cycle through the viewer's own controls.
  function trapFocus(event) {
    var focusable = Array.prototype.filter.call(
      ui.dialog.querySelectorAll("button"),
      function (node) { return !node.hidden && !node.disabled; }
    );
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    var inside = ui.dialog.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  }

  // ---- Pointer: drag, swipe, pinch, double-tap, wheel --------------------------------------

  function onPointerDown(event) {
    lastPointerType = event.pointerType;
    if (event.button !== 0) {
      return;
    }
    ui.stage.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    gesture = startGesture(event);
  }

  function startGesture(event) {
    var points = Array.from(pointers.values());
    if (points.length >= 2) {
      return {
        kind: "pinch",
        distance: distance(points[0], points[1]) || 1,
        scale: zoom.scale,
        center: stagePoint(midpoint(points[0], points[1])),
        x: zoom.x,
        y: zoom.y,
      };
    }
    return {
      kind: "drag",
      startX: event.clientX,
      startY: event.clientY,
      x: zoom.x,
      y: zoom.y,
      zoomed: zoom.scale > 1,
      moved: false,
      started: event.timeStamp,
    };
  }

  function onPointerMove(event) {
    if (!gesture || !pointers.has(event.pointerId)) {
      return;
    }
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    ui.stage.classList.add("is-dragging");
    var points = Array.from(pointers.values());

    if (gesture.kind === "pinch" && points.length >= 2) {
      var ratio = distance(points[0], points[1]) / gesture.distance;
      var center = stagePoint(midpoint(points[0], points[1]));
      // Zoom about the pinch's first centre, then follow the fingers' movement.
      var target = boundedScale(gesture.scale * ratio);
      var factor = target / gesture.scale;
      zoom.scale = target;
      zoom.x = gesture.center.x - (gesture.center.x - gesture.x) * factor + (center.x - gesture.center.x);
      zoom.y = gesture.center.y - (gesture.center.y - gesture.y) * factor + (center.y - gesture.center.y);
      apply(true);
      if (zoom.scale > 1) {
        loadLargest();
      }
      return;
    }
    if (gesture.kind !== "drag") {
      return;
    }
    var dx = event.clientX - gesture.startX;
    var dy = event.clientY - gesture.startY;
    if (Math.abs(dx) > TAP_DISTANCE || Math.abs(dy) > TAP_DISTANCE) {
      gesture.moved = true;
    }
    if (gesture.zoomed) {
      zoom.x = gesture.x + dx;
      zoom.y = gesture.y + dy;
      apply(true);
    } else {
      // A swipe in progress: the picture follows the finger sideways.
      ui.image.style.transform = "translate(" + dx + "px, 0)";
    }
  }

  function onPointerUp(event) {
    if (!pointers.has(event.pointerId)) {
      return;
    }
    pointers.delete(event.pointerId);
    ui.stage.classList.remove("is-dragging");
    var ended = gesture;
    if (pointers.size > 0) {
      // One finger lifted from a pinch: carry on as a drag with the other.
      var rest = Array.from(pointers.values())[0];
      gesture = startGesture({ clientX: rest.x, clientY: rest.y, timeStamp: event.timeStamp });
      gesture.moved = true;
      return;
    }
    gesture = null;
    if (!ended || ended.kind !== "drag") {
      return;
    }
    var dx = event.clientX - ended.startX;
    var dy = event.clientY - ended.startY;
    if (!ended.zoomed && event.type === "pointerup" &&
        Math.abs(dx) >= SWIPE_DISTANCE && Math.abs(dx) > Math.abs(dy)) {
      step(dx < 0 ? 1 : -1);
      return;
    }
    apply(false);
    if (!ended.moved && event.pointerType !== "mouse" && event.type === "pointerup") {
      onTap(event);
    }
  }

  function onTap(event) {
    var now = event.timeStamp;
    var point = stagePoint(event);
    if (lastTap && now - lastTap.time < DOUBLE_TAP_MS &&
        distance(point, lastTap.point) < TAP_DISTANCE * 3) {
      lastTap = null;
      toggleZoomAt(point);
    } else {
      lastTap = { time: now, point: point };
    }
  }

  function onWheel(event) {
    event.preventDefault();
    var delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    zoomBy(Math.exp(-delta * 0.002), stagePoint(event));
  }

  function distance(a, b) {
    return Math.hypot(a.x - b.x, a.y - b.y);
  }

  function midpoint(a, b) {
    return { clientX: (a.x + b.x) / 2, clientY: (a.y + b.y) / 2 };
  }

  // ---- Opening ------------------------------------------------------------------------------

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-lightbox]");
    if (!link || event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    open(link);
  });
})();
