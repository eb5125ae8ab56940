// Live mode of the public updates page: every 30 seconds ask the cheap fragment endpoint
// whether anything changed (If-None-Match: a 304 costs the server two small aggregates) and,
// when it did, put the new first page in place without a reload.
(function () {
  "use strict";
  var list = document.querySelector("[data-live-url]");
  if (!list || !window.fetch) { return; }
  var url = list.getAttribute("data-live-url");
  var status = document.querySelector("[data-live-status]");
  // The version of the fragment the page was rendered with (a quoted ETag).
  var etag = list.getAttribute("data-live-etag");
  var INTERVAL = 30000;

  function poll() {
    var headers = {};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, { headers: headers, cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.status === 304 || !response.ok) { return null; }
        etag = response.headers.get("ETag");
        return response.text().then(function (html) {
          list.innerHTML = html;
          if (status) { status.setAttribute("data-updated", new Date().toISOString()); }
        });
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .then(function () { window.setTimeout(poll, INTERVAL); });
  }
  window.setTimeout(poll, INTERVAL);
}());
