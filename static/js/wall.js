/*
 * "See it on your wall" (templates/gallery/includes/wall_view.html).
 *
 * The painting is drawn at true scale: in a drawn room, next to an object of
 * known size; or on the visitor's own photo, once they have marked two points
 * on it and typed the real length between them. Everything is kept in scene
 * units (centimetres in a room, photo pixels on a photo) and turned into
 * screen pixels by one factor, the scale that fits the scene into the stage.
 *
 * The photo never leaves the browser: createImageBitmap decodes the chosen
 * file straight into memory and a <canvas> shows it. No URL is made for it,
 * nothing is fetched or posted, and the content-security policy need not
 * allow blob: or data: images.
 */
(function () {
  "use strict";

  const root = document.querySelector("[data-wall-view]");
  if (!root || typeof HTMLDialogElement !== "function") {
    return;
  }

  const FLOOR_CM = 30; // the strip of floor drawn below the wall
  const EYE_LEVEL_CM = 150; // where galleries hang a painting's centre
  const MARGIN_CM = 40; // wall kept free around a painting larger than the room
  const PHOTO_MAX_PX = 2400; // a photo is kept at most this long on its long side
  const STEP_CM = 2;
  const BIG_STEP_CM = 20;

  const $ = (selector) => root.querySelector(selector);
  const openButton = $("[data-wall-open]");
  const dialog = root.querySelector("dialog");
  const stage = $("[data-stage]");
  const scene = $("[data-scene]");
  const painting = $("[data-painting]");
  const ruler = $("[data-ruler]");
  const status = $("[data-status]");
  const photoLayer = $("[data-photo]");
  const photoControls = $("[data-photo-controls]");
  const canvas = $("[data-photo-canvas]");
  const fileInput = $("[data-photo-file]");
  const lengthInput = $("[data-photo-length]");
  const measureLine = $("[data-measure-line]");
  const markButtons = Array.from(root.querySelectorAll("[data-mark]"));
  const rooms = Array.from(root.querySelectorAll("[data-room]"));

  const paintingCm = {
    width: parseFloat(root.dataset.widthCm),
    height: parseFloat(root.dataset.heightCm),
  };
  if (!(paintingCm.width > 0 && paintingCm.height > 0)) {
    return;
  }

  const state = {
    view: "living",
    // The painting's centre, in scene units from the top left corner of the room as drawn
    // in the template (of the photo), before the room is shifted to fit the stage.
    centre: null,
    // Screen pixels per scene unit, and scene units per centimetre.
    fit: 1,
    unitsPerCm: 1,
    stageAspect: 4 / 3, // the stage's width over its height
    photo: null, // {image: canvas, width, height} in photo pixels
    marks: [],
    nextMark: 0,
  };

  /* ---- The scene: its size in units, and how many units make a centimetre ---- */

  function currentRoom() {
    return rooms.find((room) => room.dataset.room === state.view);
  }

  /*
   * How much of a room to show. The wall is as wide as the room's own width, or
   * narrower to suit a tall stage (a phone held upright), but never narrower
   * than the objects and the painting with a margin round them; a painting too
   * large for the room widens it. `shift` moves every piece so the content sits
   * in the middle of what is shown.
   */
  function roomGeometry(room) {
    const wall = Math.max(parseFloat(room.dataset.wallHeightCm), paintingCm.height + MARGIN_CM);
    const height = wall + FLOOR_CM;
    const hangX = parseFloat(room.dataset.hangXCm);
    let left = hangX - paintingCm.width / 2;
    let right = hangX + paintingCm.width / 2;
    room.querySelectorAll("[data-left-cm]:not(.wall-view__skirting)").forEach((piece) => {
      const pieceLeft = parseFloat(piece.dataset.leftCm);
      left = Math.min(left, pieceLeft);
      right = Math.max(right, pieceLeft + parseFloat(piece.dataset.widthCm || piece.dataset.referenceWidthCm));
    });
    const content = right - left + 2 * MARGIN_CM;
    const suitsStage = height * state.stageAspect;
    const width = Math.max(content, Math.min(parseFloat(room.dataset.roomWidthCm), suitsStage));
    return { width: width, wall: wall, height: height, shift: (width - content) / 2 + MARGIN_CM - left };
  }

  function sceneSize() {
    if (state.view === "photo") {
      return state.photo
        ? { width: state.photo.width, height: state.photo.height, unitsPerCm: photoPxPerCm(), shift: 0 }
        : null;
    }
    const geometry = roomGeometry(currentRoom());
    return { width: geometry.width, height: geometry.height, unitsPerCm: 1, shift: geometry.shift };
  }

  function defaultCentre() {
    if (state.view === "photo") {
      return { x: state.photo.width / 2, y: state.photo.height / 2 };
    }
    const room = currentRoom();
    const geometry = roomGeometry(room);
    const lowest = parseFloat(room.dataset.hangAboveCm) + paintingCm.height / 2;
    const highest = geometry.wall - MARGIN_CM / 2 - paintingCm.height / 2;
    const heightOfCentre = Math.max(Math.min(Math.max(EYE_LEVEL_CM, lowest), highest), paintingCm.height / 2);
    return { x: parseFloat(room.dataset.hangXCm), y: geometry.wall - heightOfCentre };
  }

  /* ---- Drawing ---- */

  function px(value) {
    return value.toFixed(2) + "px";
  }

  function layout() {
    if (!dialog.open) {
      return;
    }
    const style = getComputedStyle(stage);
    const availableWidth = stage.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const availableHeight = stage.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    state.stageAspect = availableWidth / Math.max(availableHeight, 1);
    const size = sceneSize();
    scene.hidden = !size;
    ruler.hidden = true;
    if (!size) {
      painting.hidden = true;
      return;
    }
    state.fit = Math.max(Math.min(availableWidth / size.width, availableHeight / size.height), 0.01);
    state.unitsPerCm = size.unitsPerCm;
    scene.style.width = px(size.width * state.fit);
    scene.style.height = px(size.height * state.fit);

    if (state.view === "photo") {
      drawPhoto();
    } else {
      placeRoomPieces(currentRoom());
    }
    placePainting();
  }

  function placeRoomPieces(room) {
    const geometry = roomGeometry(room);
    const fit = state.fit;
    room.style.setProperty("--wall-px", px(geometry.wall * fit));
    room.querySelectorAll("[data-left-cm]").forEach((piece) => {
      const width = parseFloat(piece.dataset.widthCm || piece.dataset.referenceWidthCm);
      const height = parseFloat(piece.dataset.heightCm || piece.dataset.referenceHeightCm);
      // The skirting runs along the whole wall, however wide the room has grown.
      const spansWall = piece.classList.contains("wall-view__skirting");
      const left = spansWall ? 0 : parseFloat(piece.dataset.leftCm) + geometry.shift;
      const bottom = parseFloat(piece.dataset.bottomCm);
      piece.style.left = px(left * fit);
      piece.style.top = px((geometry.wall - bottom - height) * fit);
      piece.style.width = px((spansWall ? geometry.width : width) * fit);
      piece.style.height = px(height * fit);
    });
  }

  function placePainting() {
    const unitsPerCm = state.unitsPerCm;
    painting.hidden = !(unitsPerCm > 0);
    if (painting.hidden) {
      return;
    }
    const size = sceneSize();
    state.centre = state.centre || defaultCentre();
    state.centre.x = clamp(state.centre.x, -size.shift, size.width - size.shift);
    state.centre.y = clamp(state.centre.y, 0, size.height);
    const pxPerCm = state.fit * unitsPerCm;
    const width = paintingCm.width * pxPerCm;
    const height = paintingCm.height * pxPerCm;
    painting.style.width = px(width);
    painting.style.height = px(height);
    painting.style.left = px((state.centre.x + size.shift) * state.fit - width / 2);
    painting.style.top = px(state.centre.y * state.fit - height / 2);
    root.dataset.pxPerCm = pxPerCm.toFixed(4);
    showRuler(pxPerCm);
  }

  // A metre, or less when a metre would take more than 40 % of the stage (a close-up photo).
  function showRuler(pxPerCm) {
    const room = stage.clientWidth * 0.4;
    const cm = [100, 50, 20, 10, 5, 1].find((length) => length * pxPerCm <= room) || 1;
    ruler.hidden = false;
    ruler.firstElementChild.textContent = cm === 100 ? "1 m" : cm + " cm";
    ruler.style.setProperty("--ruler-px", px(cm * pxPerCm));
  }

  function clamp(value, low, high) {
    return Math.min(Math.max(value, low), high);
  }

  /* ---- The visitor's photo ---- */

  function drawPhoto() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(state.photo.width * state.fit * ratio);
    const height = Math.round(state.photo.height * state.fit * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
      canvas.getContext("2d").drawImage(state.photo.image, 0, 0, width, height);
    }
    placeMarks();
  }

  function placeMarks() {
    const fit = state.fit;
    state.marks.forEach((mark, index) => {
      markButtons[index].style.left = px(mark.x * fit);
      markButtons[index].style.top = px(mark.y * fit);
    });
    const [a, b] = state.marks;
    measureLine.setAttribute("x1", a.x * fit);
    measureLine.setAttribute("y1", a.y * fit);
    measureLine.setAttribute("x2", b.x * fit);
    measureLine.setAttribute("y2", b.y * fit);
  }

  function markedDistance() {
    const [a, b] = state.marks;
    return Math.hypot(b.x - a.x, b.y - a.y);
  }

  function lengthCm() {
    const value = parseFloat(lengthInput.value.replace(",", "."));
    return value > 0 && value <= 10000 ? value : null;
  }

  // Photo pixels per centimetre, or null while the visitor has not said how long the marked length is.
  function photoPxPerCm() {
    const length = lengthCm();
    const distance = state.photo ? markedDistance() : 0;
    return length && distance >= 4 ? distance / length : null;
  }

  function describePhoto() {
    if (!state.photo) {
      say("Choose a photo of your wall, taken straight on.");
    } else if (lengthInput.value && !lengthCm()) {
      say("Type the length between the two marks in centimetres, a number such as 80 or 29.7.");
    } else if (markedDistance() < 4) {
      say("Put the two marks further apart.");
    } else if (!lengthCm()) {
      say(
        "Tap or click the two ends of something you know the length of (a door is often 80 cm wide; " +
          "A4 paper is 29.7 cm long), then type that length."
      );
    } else {
      say("Shown at the scale of your marks: " + lengthCm() + " cm between them. Drag the painting to move it.");
    }
  }

  async function loadPhoto(file) {
    let bitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch (error) {
      say("That file could not be opened as a picture. Choose a JPEG, PNG or WebP photo.");
      return;
    }
    // Kept at a sensible size: the scale is a ratio, so shrinking the photo changes nothing.
    const shrink = Math.min(1, PHOTO_MAX_PX / Math.max(bitmap.width, bitmap.height));
    const image = document.createElement("canvas");
    image.width = Math.max(1, Math.round(bitmap.width * shrink));
    image.height = Math.max(1, Math.round(bitmap.height * shrink));
    image.getContext("2d").drawImage(bitmap, 0, 0, image.width, image.height);
    bitmap.close();
    state.photo = { image: image, width: image.width, height: image.height };
    state.marks = [
      { x: image.width / 3, y: image.height / 2 },
      { x: (2 * image.width) / 3, y: image.height / 2 },
    ];
    state.nextMark = 0;
    state.centre = null;
    canvas.width = 0; // forces a redraw at the new size
    photoLayer.hidden = false;
    describePhoto();
    layout();
  }

  function placeMarkAt(event) {
    const box = canvas.getBoundingClientRect();
    const mark = state.marks[state.nextMark];
    mark.x = clamp((event.clientX - box.left) / state.fit, 0, state.photo.width);
    mark.y = clamp((event.clientY - box.top) / state.fit, 0, state.photo.height);
    state.nextMark = 1 - state.nextMark;
    photoScaleChanged();
  }

  function photoScaleChanged() {
    describePhoto();
    layout();
  }

  /* ---- Dragging (mouse, pen and touch alike) and the arrow keys ---- */

  function draggable(element, position, moved) {
    let start = null;
    element.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) {
        return;
      }
      event.preventDefault();
      element.focus({ preventScroll: true });
      element.setPointerCapture(event.pointerId);
      const at = position();
      start = { x: event.clientX, y: event.clientY, at: { x: at.x, y: at.y }, pointer: event.pointerId };
      element.classList.add("is-dragging");
    });
    element.addEventListener("pointermove", (event) => {
      if (!start || event.pointerId !== start.pointer) {
        return;
      }
      const at = position();
      at.x = start.at.x + (event.clientX - start.x) / state.fit;
      at.y = start.at.y + (event.clientY - start.y) / state.fit;
      moved();
    });
    const stop = (event) => {
      if (start && event.pointerId === start.pointer) {
        start = null;
        element.classList.remove("is-dragging");
      }
    };
    element.addEventListener("pointerup", stop);
    element.addEventListener("pointercancel", stop);
  }

  function movableByKeys(element, position, step, moved) {
    const directions = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    element.addEventListener("keydown", (event) => {
      const direction = directions[event.key];
      if (!direction || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      event.preventDefault();
      const distance = step(event.shiftKey);
      const at = position();
      at.x += direction[0] * distance;
      at.y += direction[1] * distance;
      moved();
    });
  }

  const paintingPosition = () => state.centre || (state.centre = defaultCentre());
  const paintingStep = (big) => (big ? BIG_STEP_CM : STEP_CM) * state.unitsPerCm;
  draggable(painting, paintingPosition, placePainting);
  movableByKeys(painting, paintingPosition, paintingStep, placePainting);

  markButtons.forEach((button, index) => {
    const position = () => state.marks[index];
    const moved = () => {
      const mark = state.marks[index];
      mark.x = clamp(mark.x, 0, state.photo.width);
      mark.y = clamp(mark.y, 0, state.photo.height);
      state.nextMark = 1 - index;
      photoScaleChanged();
    };
    // A key moves a mark by a screen pixel (ten with Shift), whatever the photo's size.
    draggable(button, position, moved);
    movableByKeys(button, position, (big) => (big ? 10 : 1) / state.fit, moved);
  });

  canvas.addEventListener("click", placeMarkAt);

  fileInput.addEventListener("change", () => {
    if (fileInput.files.length) {
      loadPhoto(fileInput.files[0]);
    }
  });
  lengthInput.addEventListener("input", photoScaleChanged);

  /* ---- Rooms, the dialog, and keeping the scale true when the window changes ---- */

  function show(view) {
    state.view = view;
    state.centre = null;
    rooms.forEach((room) => {
      room.hidden = room.dataset.room !== view;
    });
    const onPhoto = view === "photo";
    photoControls.hidden = !onPhoto;
    photoLayer.hidden = !(onPhoto && state.photo);
    if (onPhoto) {
      describePhoto();
    } else {
      say("Drag the painting, or focus it and use the arrow keys.");
    }
    layout();
  }

  function say(text) {
    if (status.textContent !== text) {
      status.textContent = text;
    }
  }

  function addPaintingImage() {
    if (painting.firstChild || !root.dataset.imageJpeg) {
      return;
    }
    const picture = document.createElement("picture");
    const webp = document.createElement("source");
    webp.type = "image/webp";
    webp.srcset = root.dataset.imageWebp;
    const image = document.createElement("img");
    image.src = root.dataset.imageJpeg;
    image.alt = "";
    image.draggable = false;
    picture.append(webp, image);
    painting.append(picture);
  }

  root.querySelectorAll('input[name="wall-view-room"]').forEach((radio) => {
    radio.addEventListener("change", () => radio.checked && show(radio.value));
  });
  if (typeof createImageBitmap !== "function") {
    $("[data-photo-choice]").hidden = true;
  }

  openButton.addEventListener("click", () => {
    addPaintingImage();
    dialog.showModal();
    $("[data-wall-close]").focus();
    layout();
  });
  $("[data-wall-close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => openButton.focus());

  if (typeof ResizeObserver === "function") {
    new ResizeObserver(layout).observe(stage);
  } else {
    window.addEventListener("resize", layout);
  }

  openButton.hidden = false;
})();
