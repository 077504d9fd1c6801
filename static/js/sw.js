// The portal's service worker (served as /offline/sw.js, scope /staff/): the scan desk's page
// and the static files it links are kept, so a reload with no signal still opens the desk.
// Pages: network first, the kept copy only when the network fails. Static files (their URLs
// carry a content hash): the kept copy first. Everything else is left to the network.
// Logging out sends Clear-Site-Data, which empties these caches and ends this worker.
var VERSION = "__VERSION__";
var PAGES = "pages-" + VERSION, FILES = "files-" + VERSION;
var KEPT_PAGES = [/^\/staff\/checkin\/\d+\/scan$/];

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name !== PAGES && name !== FILES;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function kept(url) {
  return KEPT_PAGES.some(function (pattern) { return pattern.test(url.pathname); });
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { cacheName: PAGES }).then(function (found) {
      return found || Response.error();
    });
  });
}

function cacheFirst(request) {
  return caches.match(request, { cacheName: FILES }).then(function (found) {
    return found || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(FILES).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && kept(url)) event.respondWith(networkFirst(request));
  else if (url.pathname.indexOf("/static/") === 0) event.respondWith(cacheFirst(request));
});
