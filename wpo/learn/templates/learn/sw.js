// The participant's app offline (served at /deelnemer/sw.js, so it controls the participant's pages).
// It keeps what the participant opened online — the pages of their current assignment, their pictures,
// the style and the script — and serves them when there is no internet. Pages: network first (always
// the newest when online), kept copy when offline. Files and pictures: the kept copy, refreshed in the
// background. It never keeps a POST, a redirect (such as to the login page) or anything marked no-store.
// Answers given offline are queued by the page (static/js/app.js), not here. On logout the page deletes
// every cache; the logout response's Clear-Site-Data header does the same when the script could not.
{% load i18n %}{% get_current_language as LANGUAGE_CODE %}"use strict";

const CACHE = "wpo-deelnemer-1";
const KEPT_PATHS = ["/deelnemer/", "/static/", "/curriculum/"];
const OFFLINE_PAGE =
  '<!doctype html><html lang="{{ LANGUAGE_CODE|default:"nl" }}"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
  "<title>{% translate 'Geen internet'|escapejs %}</title><main><h1>{% translate 'Je hebt nu geen internet'|escapejs %}</h1>" +
  "<p>{% translate 'Deze pagina is niet bewaard op je telefoon. Probeer het straks nog eens.'|escapejs %}</p>" +
  '<p><a href="{% url "learn:home" %}">{% translate "Naar mijn opdracht"|escapejs %}</a></p></main></html>';

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

function keepable(url) {
  return (
    url.origin === self.location.origin &&
    url.pathname !== "/deelnemer/sw.js" &&
    KEPT_PATHS.some((path) => url.pathname.startsWith(path))
  );
}

function worthKeeping(response) {
  return (
    response &&
    response.status === 200 &&
    !response.redirected &&
    response.type === "basic" &&
    !(response.headers.get("Cache-Control") || "").includes("no-store")
  );
}

async function keep(request, response) {
  if (!worthKeeping(response)) return;
  const cache = await caches.open(CACHE);
  await cache.put(request, response);
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    await keep(request, response.clone());
    return response;
  } catch (error) {
    const kept = await caches.match(request);
    if (kept) return kept;
    if (request.mode === "navigate") {
      return new Response(OFFLINE_PAGE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
    throw error;
  }
}

async function keptFirst(event) {
  const kept = await caches.match(event.request);
  const fresh = fetch(event.request).then(async (response) => {
    await keep(event.request, response.clone());
    return response;
  });
  if (kept) {
    event.waitUntil(fresh.catch(() => undefined));
    return kept;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (!keepable(url)) return;
  if (request.mode === "navigate" || url.pathname.startsWith("/deelnemer/")) {
    event.respondWith(networkFirst(request));
  } else {
    event.respondWith(keptFirst(event));
  }
});

// The page asks to keep the screens of the current assignment ({keep: [urls]}), or to forget
// everything ({forget: true}, before logging out).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (Array.isArray(data.keep)) {
    event.waitUntil(
      caches.open(CACHE).then((cache) =>
        Promise.all(
          data.keep
            .map((href) => new URL(href, self.location.origin))
            .filter(keepable)
            .map((url) =>
              cache.match(url.href).then((kept) => {
                if (kept) return undefined;
                return fetch(url.href, { credentials: "same-origin" })
                  .then((response) => (worthKeeping(response) ? cache.put(url.href, response) : undefined))
                  .catch(() => undefined);
              })
            )
        )
      )
    );
  } else if (data.forget) {
    event.waitUntil(caches.keys().then((names) => Promise.all(names.map((name) => caches.delete(name)))));
  }
});
