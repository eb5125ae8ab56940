// A part of a page that refreshes itself: every element with data-refresh-url is fetched again
// every data-refresh-seconds (30 by default) and its server-rendered HTML swapped in, without a
// reload and without inline script (the CSP forbids those). Used by the polling-day dashboard
// and the roll-call board. data-refresh-status names an aria-live element that gets the short
// "updated at" text of the new part rather than the whole region read again; a failed fetch
// marks the part data-stale. The URL "." means this page's own, with ?partial=1.
(function () {
  "use strict";
  if (!window.fetch) { return; }

  function target(live) {
    var url = live.getAttribute("data-refresh-url");
    if (url !== ".") { return url; }
    var params = new URLSearchParams(window.location.search);
    params.set("partial", "1");
    return window.location.pathname + "?" + params.toString();
  }

  function follow(live) {
    var seconds = parseInt(live.getAttribute("data-refresh-seconds"), 10) || 30;
    var status = document.getElementById(live.getAttribute("data-refresh-status") || "");
    var busy = false;

    function refresh() {
      if (busy || document.hidden) { return; }
      busy = true;
      live.setAttribute("aria-busy", "true");
      fetch(target(live), {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          live.innerHTML = html;
          live.removeAttribute("data-stale");
          var updated = live.querySelector("[data-updated]");
          if (status && updated) { status.textContent = updated.textContent.trim(); }
          live.dispatchEvent(new CustomEvent("live:refreshed"));
        })
        .catch(function () { live.setAttribute("data-stale", "1"); })
        .then(function () { busy = false; live.setAttribute("aria-busy", "false"); });
    }

    window.setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) { refresh(); }
    });
  }

  document.querySelectorAll("[data-refresh-url]").forEach(follow);
})();
