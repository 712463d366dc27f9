// Highlight layer toggles on article pages. No article text is touched here.
(function () {
  "use strict";
  document.querySelectorAll("input.layer-toggle").forEach(function (box) {
    document.body.classList.toggle("off-" + box.value, !box.checked);
    box.addEventListener("change", function () {
      document.body.classList.toggle("off-" + box.value, !box.checked);
    });
  });
}());
