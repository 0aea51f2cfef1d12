// 复制链接 and 打印 on article pages. Without scripts the buttons stay hidden;
// the address bar and the browser's own print still work.
(function () {
  "use strict";
  var group = document.querySelector(".share");
  if (!group) return;
  var status = group.querySelector(".share-status");
  function say(text) { status.textContent = text; }
  function fallback(url) {  // older browsers, or a page where the clipboard API is refused
    var field = document.createElement("textarea");
    field.value = url;
    field.setAttribute("readonly", "");
    field.style.position = "absolute";
    field.style.left = "-9999px";
    document.body.appendChild(field);
    field.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    field.remove();
    say(done ? "已复制本文链接" : "无法自动复制，请复制地址栏中的链接：" + url);
  }
  group.querySelector(".copy-link").addEventListener("click", function () {
    var url = this.getAttribute("data-url") || location.href.split("#")[0];
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { say("已复制本文链接"); }, function () { fallback(url); });
    } else {
      fallback(url);
    }
  });
  group.querySelector(".print-page").addEventListener("click", function () { window.print(); });
  group.hidden = false;
})();
