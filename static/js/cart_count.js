// The header's cart count, from the cart_count cookie the shop sets whenever
// the cart changes: the pages themselves are the same for every visitor.
(function () {
  "use strict";
  var match = document.cookie.match(/(?:^|;\s*)cart_count=(\d{1,3})(?:;|$)/);
  var count = match ? parseInt(match[1], 10) : 0;
  if (!count) {
    return;
  }
  document.querySelectorAll("[data-cart-count-label]").forEach(function (label) {
    var badge = document.createElement("span");
    badge.className = "cart-count";
    badge.setAttribute("aria-hidden", "true");
    badge.textContent = String(count);
    label.parentNode.insertBefore(badge, label);
    label.textContent = " (" + count + (count === 1 ? " item)" : " items)");
  });
})();
