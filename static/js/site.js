/*
 * Small enhancements; every page works without them.
 */

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
