// The type-ahead filter of catalog.widgets.FilterSelect: typing narrows the <select>'s
// options, Enter (or leaving the box) takes the first match. Without JavaScript the box
// stays hidden and the plain <select> works as it is.
(function () {
  "use strict";
  function wire(box) {
    if (box.dataset.wired) return;
    var select = document.getElementById(box.dataset.filterFor);
    if (!select) return;
    box.dataset.wired = "1";
    box.hidden = false;
    function matches() {
      var q = box.value.trim().toLowerCase();
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var hit = !q || option.text.toLowerCase().indexOf(q) !== -1;
        if (option.value === "") hit = !q;
        option.hidden = !hit;
        if (hit && option.value !== "" && first === null) first = option;
      });
      return first;
    }
    function choose() {
      var first = matches();
      if (box.value.trim() && first) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    box.addEventListener("input", function () {
      var first = matches();
      if (first) select.value = first.value;
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // never submit the page form from here
        choose();
        box.value = "";
        matches();
        select.focus();
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        select.focus();
      }
    });
  }
  function wireAll(root) {
    (root || document).querySelectorAll("input[data-filter-for]").forEach(wire);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { wireAll(); });
  } else {
    wireAll();
  }
  // Panels added later (inline forms) are wired when they appear.
  new MutationObserver(function () { wireAll(); }).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
