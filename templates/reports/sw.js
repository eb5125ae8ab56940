// Observe's service worker: the observer's polling-day pages from the phone.
//
// A report page the observer has opened before (in training, the day before) is shown from the
// phone at once and offline, then fetched again in the background (stale-while-revalidate); the
// page reloads itself when a list page (the hub, "my reports", a receipt) has changed and was not
// touched yet. The files of those pages (CSS, JS, icon) are kept from installation.
//
// Only GET pages of the observer's reports are kept, and only those the server marks with the
// account's opaque key (a page showing a flash message is not marked). They are kept in one
// cache per account; a page of another account, a sign-in, a sign-out, or the server refusing the
// session empties them, so another observer on the same phone never sees them, and they are shown
// only while the browser's session cookie for that account lives (see shownPages). Everything else
// (staff pages, POSTs, other sites) goes to the network untouched. Rendered by
// observe/reports/views/observer.py:service_worker, so a new version of any file is a new worker.
"use strict";

const VERSION = {{ version | tojson }};
const FILES = "observe-files-" + VERSION;
const PAGES = "observe-pages-";
const ASSETS = {{ assets | tojson }};
const OWNER_HEADER = {{ owner_header | tojson }};
const OWNER_COOKIE = {{ owner_cookie | tojson }};
const SIGN_IN = {{ url_for("auth.login") | tojson }};
const SIGN_OUT = {{ url_for("auth.logout") | tojson }};
const KEPT = /^\/reports\/(mine(\/\d+)?|stations\/\d+\/(check-in|checklist\/\w+|turnout|incident|protocol\/\d+))?$/;

// Background refreshes of pages just shown from the phone: url -> Promise<changed?>.
const refreshing = new Map();
let forgetting = Promise.resolve();

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(FILES).then((cache) => cache.addAll(ASSETS))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  // A new version: its files are new, and pages kept by the old one point at the old files.
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith("observe-") && name !== FILES)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

function forget() {
  forgetting = forgetting.then(() => caches.keys())
    .then((names) => Promise.all(names.filter((name) => name.startsWith(PAGES))
      .map((name) => caches.delete(name))));
  return forgetting;
}

async function keptPages() {
  await forgetting;
  const name = (await caches.keys()).find((key) => key.startsWith(PAGES));
  return name ? caches.open(name) : null;
}

// The kept pages to show from: only while the browser's sign-in names their account (the cookie
// set with them goes with the session cookie when the browser is restarted). Browsers without
// the Cookie Store API in workers rely on sign-in and sign-out emptying the pages.
async function shownPages() {
  await forgetting;
  const name = (await caches.keys()).find((key) => key.startsWith(PAGES));
  if (!name) { return null; }
  if (self.cookieStore) {
    const cookie = await self.cookieStore.get(OWNER_COOKIE).catch(() => null);
    if (!cookie || PAGES + cookie.value !== name) { return null; }
  }
  return caches.open(name);
}

// A page from the network: keep it (for its account only), drop it, or forget every page.
// Resolves, when a copy was shown, to whether the page differs from it or was another account's.
async function keep(url, response, shown) {
  if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
    await forget();  // signed out, or no longer an observer: a copy shown goes too
    return shown ? {changed: true, other: true} : null;
  }
  const owner = response.headers.get(OWNER_HEADER);
  if (!response.ok || !owner) {
    if (response.status === 404 || response.status === 410) {
      const cache = await keptPages();
      if (cache) { await cache.delete(url); }
    }
    return null;
  }
  const text = await response.clone().text();
  const name = PAGES + owner;
  const others = (await caches.keys()).filter((key) => key.startsWith(PAGES) && key !== name);
  await Promise.all(others.map((key) => caches.delete(key)));
  const cache = await caches.open(name);
  await cache.put(url, new Response(text, {status: 200, headers: {
    "Content-Type": response.headers.get("Content-Type") || "text/html; charset=utf-8",
    [OWNER_HEADER]: owner}}));
  return shown ? {changed: others.length > 0 || same(shown) !== same(text), other: others.length > 0}
    : null;
}

// A page without its hidden inputs: every rendering has a new CSRF token (signed with its time)
// and report UUID, which are no change worth showing.
function same(html) {
  return html.replace(/<input[^>]*type="hidden"[^>]*>/g, "");
}

async function page(event) {
  const url = event.request.url;
  const cache = await shownPages();
  const copy = cache && await cache.match(url, {ignoreVary: true});
  const network = fetch(event.request);
  if (!copy) {
    const response = await network;
    event.waitUntil(keep(url, response.clone(), null).catch(() => null));
    return response;
  }
  const shown = await copy.clone().text();
  const changed = network.then((response) => keep(url, response, shown)).catch(() => null);
  refreshing.set(url, changed);
  event.waitUntil(changed.then(() => new Promise((resolve) => setTimeout(resolve, 30000)))
    .then(() => { if (refreshing.get(url) === changed) { refreshing.delete(url); } }));
  return copy;
}

async function file(request) {
  const cache = await caches.open(FILES);
  const copy = await cache.match(request);
  if (copy) { return copy; }
  const response = await fetch(request);
  if (response.ok && new URL(request.url).searchParams.has("v")) {
    cache.put(request, response.clone()).catch(() => {});
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname === SIGN_IN || url.pathname === SIGN_OUT) {
    event.waitUntil(forget());  // before the next page is asked for (keptPages waits for it)
    return;
  }
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate" && KEPT.test(url.pathname)) {
    event.respondWith(page(event));
  } else if (url.searchParams.has("v") && url.pathname.includes("/static/")) {
    event.respondWith(file(request));
  }
});

// A page shown from the phone asks whether the network has since brought a different version.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "forget") {
    event.waitUntil(forget());
    return;
  }
  if (data.type !== "shown" || !refreshing.has(data.url)) { return; }
  event.waitUntil(refreshing.get(data.url).then((outcome) => {
    if (outcome && outcome.changed && event.source) {
      event.source.postMessage({type: "changed", url: data.url, other: outcome.other});
    }
  }));
});
