// The roll-call board refreshes itself: every N seconds it fetches the same page's live part
// (same filters, ?partial=1) and swaps it in; the fetch also raises alerts that became due.
// No inline script: the CSP forbids those.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  var live = document.getElementById("board-live");
  if (!live || !window.fetch) { return; }
  var seconds = parseInt(live.getAttribute("data-refresh-seconds"), 10) || 30;
  var busy = false;

  function url() {
    var params = new URLSearchParams(window.location.search);
    params.set("partial", "1");
    return window.location.pathname + "?" + params.toString();
  }

  function refresh() {
    if (busy || document.hidden) { return; }
    busy = true;
    live.setAttribute("aria-busy", "true");
    fetch(url(), {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        live.innerHTML = html;
        live.removeAttribute("data-stale");
        var status = document.getElementById("board-status");
        var updated = live.querySelector("[data-updated]");
        if (status && updated) { status.textContent = updated.textContent.trim(); }
        live.dispatchEvent(new CustomEvent("board:refreshed"));
      })
      .catch(function () { live.setAttribute("data-stale", "1"); })
      .then(function () { busy = false; live.setAttribute("aria-busy", "false"); });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { refresh(); }
  });
})();
