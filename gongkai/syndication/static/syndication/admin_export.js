// Copy buttons of the export page. The WeChat article goes to the clipboard as text/html
// (with a text/plain twin), so the official-account editor keeps its inline styles.
// Without the async clipboard (plain http on an intranet is not a secure context) the
// article is selected and copied with execCommand, which also copies HTML.
(function () {
  "use strict";

  function report(id, ok) {
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (status) status.textContent = status.getAttribute(ok ? "data-done" : "data-failed");
  }

  function copyBySelection(element) {
    var selection = window.getSelection();
    var range = document.createRange();
    range.selectNodeContents(element);
    selection.removeAllRanges();
    selection.addRange(range);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    return ok;
  }

  function copyHtml(id) {
    var element = document.getElementById(id);
    var html = element.innerHTML;
    if (navigator.clipboard && window.ClipboardItem) {
      var item = new ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([element.innerText], { type: "text/plain" })
      });
      navigator.clipboard.write([item]).then(
        function () { report(id, true); },
        function () { report(id, copyBySelection(element)); }
      );
    } else {
      report(id, copyBySelection(element));
    }
  }

  function copyText(id) {
    var element = document.getElementById(id);
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(element.value).then(
        function () { report(id, true); },
        function () { element.select(); report(id, document.execCommand("copy")); }
      );
    } else {
      element.select();
      report(id, document.execCommand("copy"));
    }
  }

  document.querySelectorAll("[data-copy-html]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copyHtml(button.getAttribute("data-copy-html")); });
  });
  document.querySelectorAll("[data-copy-text]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copyText(button.getAttribute("data-copy-text")); });
  });
})();
