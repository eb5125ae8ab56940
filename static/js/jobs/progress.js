// A job's page follows the job: it polls the JSON status every second or two, moves the bar,
// and reloads itself once the job is done or failed (the server then shows the download or the
// error). No inline script: the CSP forbids those.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !window.fetch) { return; }
  var status = box.getAttribute("data-status");
  if (status === "done" || status === "failed") { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("[data-job-bar]");
  var count = box.querySelector("[data-job-count]");
  var live = box.querySelector("[data-job-live]");
  var delay = 1000;

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        if (job.finished) { window.location.reload(); return; }
        if (bar) { bar.value = job.percent; bar.textContent = job.percent + "%"; }
        if (count && job.total) { count.textContent = job.done + " / " + job.total; }
        if (live) { live.textContent = job.percent + "%"; }
        if (job.status !== status) { window.location.reload(); return; }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);  // a server restarting: back off, keep trying
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
