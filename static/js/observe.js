// Observe: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Buttons with data-copy-target copy that input's value (one-time links to send by messenger).
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-copy-target"));
      if (!input) { return; }
      input.select();
      if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value);
      } else {
        document.execCommand("copy");
      }
      button.textContent = button.getAttribute("data-copied-label") || button.textContent;
    });
  });
  // Forms with data-confirm ask before submitting (deactivation and similar).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
