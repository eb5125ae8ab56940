// Polling-day pages: a UUID on every report form, the phone's location for the check-in, and an
// offline queue: drafts kept on the phone while typing, submissions made without a network kept
// in localStorage and sent (with their UUID, so a resend is stored once) when it comes back.
// Every page works without this file; it only adds what a phone can give.
(function () {
  "use strict";

  var QUEUE_KEY = "observe.reports.queue";
  var DRAFT_PREFIX = "observe.reports.draft:";
  var root = document.getElementById("report-texts");
  function text(name, fallback) {
    return (root && root.getAttribute("data-" + name)) || fallback;
  }

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

  function showQueue() {
    var items = queue();
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

  var flushing = false;
  function flush() {
    if (flushing || navigator.onLine === false) { return; }
    var items = queue().filter(function (item) { return !item.refused; });
    if (!items.length) { return; }
    flushing = true;
    var item = items[0];
    var body = new FormData();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    window.fetch(item.url, {method: "POST", body: body, credentials: "same-origin"})
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
    var draftKey = DRAFT_PREFIX + window.location.pathname;
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
    if (id && !id.value) { id.value = newId(); }
    form.addEventListener("input", function () { save(draftKey, fields(form)); });
    form.addEventListener("change", function () { save(draftKey, fields(form)); });

    form.addEventListener("submit", function (event) {
      if (navigator.onLine === false) {
        event.preventDefault();
        var entry = {uuid: id ? id.value : newId(), url: form.action || window.location.href,
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

  window.addEventListener("online", flush);
  showQueue();
  flush();
})();
