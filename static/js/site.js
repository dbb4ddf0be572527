/*
 * Small enhancements; every page works without them.
 *
 * Lightbox: links marked data-lightbox open their full-size image in a modal
 * <dialog> (Escape and the close button close it, focus returns to the link).
 * Without JavaScript, or without <dialog>, the link simply opens the image.
 */
(function () {
  "use strict";

  if (typeof HTMLDialogElement !== "function") {
    return;
  }

  var dialog;
  var image;
  var caption;

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", "Full-size image");

    var close = document.createElement("button");
    close.type = "button";
    close.className = "lightbox__close";
    close.textContent = "Close";
    close.addEventListener("click", function () {
      dialog.close();
    });

    var figure = document.createElement("figure");
    figure.className = "lightbox__figure";
    image = document.createElement("img");
    image.className = "lightbox__image";
    image.alt = "";
    caption = document.createElement("figcaption");
    caption.className = "lightbox__caption";
    figure.append(image, caption);

    dialog.append(close, figure);
    // A click on the dark backdrop (the dialog itself, not its content) closes it.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog || event.target === figure) {
        dialog.close();
      }
    });
    dialog.addEventListener("close", function () {
      image.removeAttribute("src");
    });
    document.body.append(dialog);
  }

  function open(link) {
    if (!dialog) {
      buildDialog();
    }
    var thumbnail = link.querySelector("img");
    image.src = link.href;
    image.alt = thumbnail ? thumbnail.alt : "";
    caption.textContent = link.dataset.caption || "";
    caption.hidden = !caption.textContent;
    dialog.showModal();
  }

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
