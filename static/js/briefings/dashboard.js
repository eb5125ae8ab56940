// The polling-day dashboard refreshes itself: every N seconds it fetches the server-rendered
// fragment of figures and swaps it in (no reload, no inline script: the CSP forbids those).
(function () {
  "use strict";
  var live = document.getElementById("dashboard-live");
  if (!live || !window.fetch) { return; }
  var url = live.getAttribute("data-refresh-url");
  var seconds = parseInt(live.getAttribute("data-refresh-seconds"), 10) || 30;
  var busy = false;

  function refresh() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        live.innerHTML = html;
        live.removeAttribute("data-stale");
        // One short announcement for screen readers, not the whole page read again.
        var status = document.getElementById("dashboard-status");
        var updated = live.querySelector("[data-updated]");
        if (status && updated) { status.textContent = updated.textContent.trim(); }
        live.dispatchEvent(new CustomEvent("dashboard:refreshed"));
      })
      .catch(function () { live.setAttribute("data-stale", "1"); })
      .then(function () { busy = false; });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { refresh(); }
  });
})();
