// 版面图: pointing at an article in the list lights up its region on the page image,
// and pointing at a region lights up the list entry. Links work without this script.
(function () {
  "use strict";
  function pair(slug) {
    return document.querySelectorAll('[data-article="' + CSS.escape(slug) + '"]');
  }
  function light(event, on) {
    var owner = event.target.closest("[data-article]");
    if (!owner) return;
    pair(owner.getAttribute("data-article")).forEach(function (el) { el.classList.toggle("active", on); });
  }
  ["mouseover", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (e) { light(e, true); });
  });
  ["mouseout", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (e) { light(e, false); });
  });
})();
