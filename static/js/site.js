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

/*
 * Mobile menu: the header's Menu button shows and hides the menu below the bar
 * (CSS shows it while aria-expanded is "true"). Escape, or a click outside,
 * closes it; Escape returns focus to the button. Wide screens hide the button.
 */
(function () {
  "use strict";

  var toggle = document.querySelector(".menu-toggle");
  var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) {
    return;
  }

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function isOpen() {
    return toggle.getAttribute("aria-expanded") === "true";
  }

  toggle.addEventListener("click", function () {
    setOpen(!isOpen());
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isOpen()) {
      setOpen(false);
      toggle.focus();
    }
  });

  document.addEventListener("click", function (event) {
    if (isOpen() && !menu.contains(event.target) && !toggle.contains(event.target)) {
      setOpen(false);
    }
  });
})();

/*
 * Header search on wide screens: the field opens while the form has focus; a
 * click on the icon with nothing typed opens the field instead of searching.
 */
(function () {
  "use strict";

  var form = document.querySelector(".site-search");
  var input = form && form.querySelector(".site-search__input");
  if (!input) {
    return;
  }

  form.addEventListener("submit", function (event) {
    if (!input.value.trim() && document.activeElement !== input) {
      event.preventDefault();
      input.focus();
    }
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      input.value = "";
      input.blur();
    }
  });
})();

/*
 * Search filters: on wide screens, where they stand beside the results, their
 * disclosure starts open; on phones it stays closed so the results come first.
 */
(function () {
  "use strict";

  var filters = document.querySelector(".search-filters");
  if (filters && window.matchMedia("(min-width: 60rem)").matches) {
    filters.open = true;
  }
})();
