// The demo shop's own script: a tiny cart, a "chat with us" button and the size guide, which the
// chat opens through a `custom` marker. It uses only the widget's public JavaScript API
// (EMBED.md section 3), the way any shop would.
"use strict";

// The stub from EMBED.md: calls made before the widget has loaded are queued.
window.Dialoge = window.Dialoge || function () { (window.Dialoge.q = window.Dialoge.q || []).push(arguments); };

(function () {
  var count = 0;
  var sizeGuide = document.querySelector("[data-size-guide]");

  function openSizeGuide() {
    if (sizeGuide && typeof sizeGuide.showModal === "function" && !sizeGuide.open) {
      sizeGuide.showModal();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-add-to-cart]")) {
      count += 1;
      var counter = document.querySelector("[data-cart-count]");
      if (counter) counter.textContent = String(count);
    } else if (target.closest("[data-open-chat]")) {
      window.Dialoge("open");
    } else if (target.closest("[data-open-size-guide]")) {
      openSizeGuide();
    }
  });

  // The chat's custom marker hands its key to the page; this shop implements one of them.
  window.addEventListener("dialoge:marker", function (event) {
    var detail = event.detail || {};
    if (detail.key === "open_size_guide") openSizeGuide();
  });
})();
