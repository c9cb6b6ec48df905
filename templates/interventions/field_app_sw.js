{% load static %}/* The field log's service worker: keeps the app page and its static files for use without network.
   It never caches what the app sends (POST) and holds no entries; those wait in IndexedDB. */
const CACHE = "faltlogg-{{ version }}";
const APP = "{% url 'interventions:field_app' %}";
const FILES = [
  APP,
  "{% static 'css/app.css' %}",
  "{% static 'js/app.js' %}",
  "{% static 'vendor/htmx/htmx.min.js' %}",
  "{% static 'vendor/idb-keyval/idb-keyval.umd.js' %}",
  "{% static 'field_app/field_app.js' %}",
  "{% static 'field_app/manifest.webmanifest' %}",
  "{% static 'field_app/icon.svg' %}",
  "{% static 'field_app/icon-192.png' %}",
  "{% static 'field_app/icon-512.png' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("faltlogg-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === APP) {
    // The page: fresh when there is network (a signed-out user meets the login page), else the kept copy.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(APP, copy));
          }
          return response;
        })
        .catch(() => caches.match(APP)),
    );
    return;
  }
  if (FILES.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  }
});
