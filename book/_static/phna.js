/* phna: keyboard access to tables that scroll sideways (WCAG 2.1.1, axe "scrollable-region-focusable").
   A table wider than its column (on a phone, or a hand-written table) scrolls in its wrapper; a keyboard user
   can only scroll it if the wrapper can take focus, and a screen reader then announces it by name. Wrappers
   that do not scroll are left alone. */
(function () {
  "use strict";
  var SELECTOR = ".phna-table-wrap, .pst-scrollable-table-container, div.cell_output, div.output";

  function name(box) {
    var caption = box.querySelector("caption");
    var text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
    return text ? "Table: " + text + " (scrolls sideways)" : "Table (scrolls sideways)";
  }

  function update() {
    document.querySelectorAll(SELECTOR).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls) {
        box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
        if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", name(box)); }
      } else if (box.getAttribute("tabindex") === "0" && !box.hasAttribute("data-phna-static")) {
        box.removeAttribute("tabindex");
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("load", update);
  window.addEventListener("resize", update);
})();
