// Print buttons (data-print): shown and wired only when scripts run, since the CSP forbids inline ones.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
