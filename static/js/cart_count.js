// The header's cart count, from the cart_count cookie the shop sets whenever
// the cart changes: pages themselves are the same for every visitor.
(function () {
  "use strict";
  var match = document.cookie.match(/(?:^|;\s*)cart_count=(\d{1,3})(?:;|$)/);
  var count = match ? parseInt(match[1], 10) : 0;
  if (!count) {
    return;
  }
  document.querySelectorAll("[data-cart-count]").forEach(function (badge) {
    badge.textContent = String(count);
    badge.hidden = false;
  });
  document.querySelectorAll("[data-cart-count-label]").forEach(function (label) {
    label.textContent = "(" + count + (count === 1 ? " item)" : " items)");
  });
})();
