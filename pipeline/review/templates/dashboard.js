// Filter the page table and the page sections by status; "draft" also shows the changed drafts.
(function () {
  "use strict";
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-filter]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-status]"));
  var count = document.getElementById("shown-count");

  function matches(status, filter) {
    return filter === "all" || status === filter || (filter === "draft" && status === "changed");
  }

  function apply(filter) {
    var shown = 0;
    items.forEach(function (el) {
      var visible = matches(el.getAttribute("data-status"), filter);
      el.hidden = !visible;
      if (visible && el.tagName === "TR") {
        shown += 1;
      }
    });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-filter") === filter ? "true" : "false");
    });
    count.textContent = String(shown);
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      apply(b.getAttribute("data-filter"));
    });
  });
})();
