// Polling-day pages: a UUID on every report form, the phone's location for the check-in, and an
// offline queue: drafts kept on the phone while typing, submissions made without a network kept
// in localStorage and sent (with their UUID, so a resend is stored once) when it comes back.
// Every page works without this file; it only adds what a phone can give. It also installs the
// service worker (templates/reports/sw.js) that shows these pages from the phone on a later visit.
// Queued reports and drafts belong to the account that made them (data-owner, an opaque key):
// another observer signed in on the same phone neither sees nor sends them.
(function () {
  "use strict";

  var QUEUE_KEY = "observe.reports.queue";
  var DRAFT_PREFIX = "observe.reports.draft:";
  var RELOADED_PREFIX = "observe.reports.reloaded:";
  var root = document.getElementById("report-texts");
  function text(name, fallback) {
    return (root && root.getAttribute("data-" + name)) || fallback;
  }
  var owner = text("owner", "");
  var worker = "serviceWorker" in navigator ? navigator.serviceWorker : null;

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (window.crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function load(key, fallback) {
    try { return JSON.parse(window.localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or off */ }
  }

  function fields(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") { pairs.push([name, value]); }
    });
    return pairs;
  }
  function hasFiles(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  // --- The queue ---------------------------------------------------------------------------
  function queue() { return load(QUEUE_KEY, []); }
  // This account's reports (one queued before accounts were told apart belongs to whoever sends it).
  function ownQueue() {
    return queue().filter(function (item) { return !item.owner || item.owner === owner; });
  }

  function showQueue() {
    var items = ownQueue();
    var box = document.getElementById("offline-queue");
    if (!box) {
      if (!items.length) { return; }
      box = document.createElement("div");
      box.id = "offline-queue";
      box.className = "alert alert-warning";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      var main = document.getElementById("main");
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = "";
    box.classList.toggle("d-none", !items.length && !box.getAttribute("data-sent"));
    if (box.getAttribute("data-sent")) {
      var sent = document.createElement("p");
      sent.className = "mb-1 queue-sent";
      var link = document.createElement("a");
      link.href = box.getAttribute("data-sent");
      link.textContent = text("sent", "Sent from the queue: see the receipt.");
      sent.appendChild(link);
      box.appendChild(sent);
    }
    if (!items.length) { return; }
    var title = document.createElement("p");
    title.className = "fw-semibold mb-1";
    title.textContent = text("waiting", "Waiting on this phone for the network:") + " " + items.length;
    box.appendChild(title);
    var list = document.createElement("ul");
    list.className = "mb-2 queue-items";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.label + " · " + new Date(item.savedAt).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}) +
        (item.refused ? " — " + text("refused", "not accepted: open the form and send it again") : "");
      li.setAttribute("data-uuid", item.uuid);
      list.appendChild(li);
    });
    box.appendChild(list);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-primary";
    button.textContent = text("send-now", "Send now");
    button.addEventListener("click", flush);
    box.appendChild(button);
  }

  // The session's CSRF token: the one on this page, or, once the server has refused it (a report
  // queued before signing in again, a page kept from an older session), a fresh page's.
  var token = document.querySelector("input[name=csrf_token]");
  token = token ? token.value : null;
  function freshToken() {
    return window.fetch(window.location.href.split("#")[0], {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
      .then(function (html) {
        var input = new DOMParser().parseFromString(html, "text/html").querySelector("input[name=csrf_token]");
        if (!input) { return Promise.reject(html); }
        token = input.value;
        document.querySelectorAll("input[name=csrf_token]").forEach(function (i) { i.value = token; });
        return token;
      });
  }
  function send(item) {
    var body = new FormData();
    item.fields.forEach(function (pair) {
      body.append(pair[0], pair[0] === "csrf_token" && token ? token : pair[1]);
    });
    return window.fetch(item.url, {method: "POST", body: body, credentials: "same-origin"});
  }

  var flushing = false;
  function flush() {
    if (flushing || navigator.onLine === false) { return; }
    var items = ownQueue().filter(function (item) { return !item.refused; });
    if (!items.length) { return; }
    flushing = true;
    var item = items[0];
    // A 400 is a refused CSRF token: once more with a fresh one; the same UUID is stored once.
    send(item)
      .then(function (response) {
        return response.status !== 400 ? response : freshToken().then(function () { return send(item); },
                                                                     function () { return response; });
      })
      .then(function (response) {
        var rest = queue().filter(function (other) { return other.uuid !== item.uuid; });
        var next = true;
        // A report's receipt, or an SOS's (fieldops reuses this queue): stored, once.
        if (response.ok && response.redirected && /\/(reports|fieldops\/sos)\/mine\/\d+$/.test(response.url)) {
          var box = document.getElementById("offline-queue");
          if (box) { box.setAttribute("data-sent", response.url); }
          save(QUEUE_KEY, rest);
        } else if (response.status < 500) {
          // The server answered but refused it: keep it, marked, so nothing is lost silently.
          item.refused = true;
          save(QUEUE_KEY, rest.concat([item]));
        } else {
          next = false;  // the server is struggling: try again on the next visit or "Send now"
        }
        flushing = false;
        showQueue();
        if (next) { flush(); }
      })
      .catch(function () { flushing = false; showQueue(); });
  }

  // --- Report forms ---------------------------------------------------------------------------
  document.querySelectorAll("form[data-report-form]").forEach(function (form) {
    var id = form.querySelector("input[name=uuid]");
    var draftKey = DRAFT_PREFIX + (owner ? owner + ":" : "") + window.location.pathname;
    var hasErrors = form.parentNode.querySelector(".is-invalid, .alert-danger");
    // A draft left on this phone comes back (with its UUID) unless the server just answered.
    var draft = load(draftKey, null);
    if (draft && !hasErrors) {
      draft.forEach(function (pair) {
        var input = form.querySelector("[name='" + pair[0] + "']");
        if (!input || input.type === "file" || pair[0] === "csrf_token") { return; }
        if (input.type === "radio" || input.type === "checkbox") {
          form.querySelectorAll("[name='" + pair[0] + "']").forEach(function (option) {
            option.checked = option.value === pair[1];
          });
        } else {
          input.value = pair[1];
        }
      });
    }
    // A new UUID unless a draft or the server's answer brought one back: this page may be a copy
    // kept on the phone, whose UUID a report already sent from it has used.
    if (id && (!id.value || (!draft && !hasErrors))) { id.value = newId(); }
    // Likewise the time an incident happened starts at now, in the election's time zone.
    var clock = form.querySelector("input[name=occurred_at]");
    var zone = form.getAttribute("data-zone");
    if (clock && zone && !draft && !hasErrors) {
      try {
        clock.value = new Intl.DateTimeFormat("en-GB", {timeZone: zone, hour: "2-digit", minute: "2-digit",
                                                         hourCycle: "h23"}).format(new Date());
      } catch (e) { /* unknown zone: keep the server's time */ }
    }
    form.addEventListener("input", function () { save(draftKey, fields(form)); });
    form.addEventListener("change", function () { save(draftKey, fields(form)); });

    form.addEventListener("submit", function (event) {
      if (navigator.onLine === false) {
        event.preventDefault();
        var entry = {uuid: id ? id.value : newId(), owner: owner, url: form.action || window.location.href,
                     fields: fields(form), savedAt: Date.now(),
                     label: (document.querySelector("main h1") || document).textContent.trim()};
        save(QUEUE_KEY, queue().filter(function (i) { return i.uuid !== entry.uuid; }).concat([entry]));
        window.localStorage.removeItem(draftKey);
        var note = form.querySelector(".queue-note") || document.createElement("p");
        note.className = "alert alert-info queue-note mt-2";
        note.textContent = text("queued", "No network: the report is kept on this phone and sent when the network is back.") +
          (hasFiles(form) ? " " + text("files-later", "Add the files from the receipt once it is sent.") : "");
        form.appendChild(note);
        if (id) { id.value = newId(); }  // the next report on this form is a new one
        showQueue();
        return;
      }
      window.localStorage.removeItem(draftKey);
      // One tap sends once; the same UUID would make a second send harmless anyway.
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        window.setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });

  // --- Location for the check-in ----------------------------------------------------------------
  var locate = document.querySelector("form[data-locate]");
  if (locate && navigator.geolocation) {
    var status = document.getElementById("location-status");
    status.textContent = status.getAttribute("data-waiting");
    navigator.geolocation.getCurrentPosition(function (position) {
      locate.querySelector("input[name=latitude]").value = position.coords.latitude;
      locate.querySelector("input[name=longitude]").value = position.coords.longitude;
      locate.querySelector("input[name=accuracy]").value = Math.round(position.coords.accuracy);
      status.textContent = status.getAttribute("data-found");
    }, function () {
      status.textContent = status.getAttribute("data-none");
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  }

  // --- The service worker -----------------------------------------------------------------------
  // A page shown from the phone asks the worker whether the network has brought a different one
  // since; a list page nobody has touched yet reloads (from the phone, at once) to show it. A page
  // of another account always goes.
  var touched = false;
  ["pointerdown", "keydown", "input"].forEach(function (name) {
    document.addEventListener(name, function () { touched = true; }, true);
  });
  if (worker && root && root.getAttribute("data-worker")) {
    worker.register(root.getAttribute("data-worker"), {scope: "/"}).catch(function () { /* no worker: the network */ });
    worker.addEventListener("message", function (event) {
      var data = event.data || {};
      var here = window.location.href.split("#")[0];
      if (data.type !== "changed" || data.url !== here) { return; }
      var lists = !document.querySelector("form[data-report-form]") && !touched && !flushing;
      var last = Number(window.sessionStorage.getItem(RELOADED_PREFIX + here) || 0);
      if (data.other || (lists && Date.now() - last > 60000)) {
        window.sessionStorage.setItem(RELOADED_PREFIX + here, String(Date.now()));
        window.location.reload();
      }
    });
    if (worker.controller) { worker.controller.postMessage({type: "shown", url: window.location.href.split("#")[0]}); }
  }

  window.addEventListener("online", flush);
  showQueue();
  flush();
})();
