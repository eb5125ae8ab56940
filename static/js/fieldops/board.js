// The roll-call board's filters apply as soon as one is chosen (its refresh is static/js/refresh.js).
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
