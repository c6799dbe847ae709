// The console's service worker: keeps the app shell (index.html and the js,
// wasm and css Trunk built, with hashed names) so the app opens with no
// connection. Registered from Rust at start-up (src/app.rs). The courier app
// under /courier is another build with a worker of its own
// (courier/sw.js): this one leaves its pages, files and cache alone.
//
// The API is never cached here: the courier app keeps its own data (the route
// snapshot and the queue of closes) in localStorage, and an /api/ request that
// cannot reach the server must fail, not be answered from a stale copy.

const CACHE = 'rodnik-shell-v2';
// Only this worker's caches are dropped on activation (the courier's differ).
const PREFIX = 'rodnik-shell-';
const SHELL = '/index.html';
// Files that keep their names between builds (copied by Trunk as they are).
const FIXED = [
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
  '/icons/apple-touch-icon.png',
];
// A navigation waits this long for the network before the cached shell answers.
const NAV_TIMEOUT_MS = 3000;
// Trunk's content hash in a file name: immutable, so never fetched twice.
const HASHED = /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    fetch(SHELL, { cache: 'no-cache' })
      .then((r) => (r.ok ? keepShell(r) : undefined))
      .then(() => caches.open(CACHE))
      .then((c) => c.addAll(FIXED))
      // Offline at install time: the shell is cached as it is fetched later.
      .catch(() => undefined)
      .then(() => self.skipWaiting())
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)))
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  // Not ours to answer: the browser goes to the network as without a worker.
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return;
  }
  // The courier app's pages and files (its own worker keeps them).
  if (url.pathname === '/courier' || url.pathname.startsWith('/courier/')) {
    return;
  }
  if (req.mode === 'navigate') {
    event.respondWith(navigate(event));
  } else {
    event.respondWith(asset(event));
  }
});

// Every page of the app is index.html (the server falls back to it): the
// network when it answers in time, else the cached copy.
async function navigate(event) {
  const network = fetch(event.request).then((r) => {
    if (r.ok && (r.headers.get('content-type') || '').startsWith('text/html')) {
      event.waitUntil(keepShell(r.clone()));
    }
    return r;
  });
  const cached = await caches.match(SHELL);
  if (!cached) {
    return network;
  }
  const timeout = new Promise((resolve) => setTimeout(() => resolve(cached), NAV_TIMEOUT_MS));
  const answer = network.then((r) => (r.ok ? r : cached)).catch(() => cached);
  return Promise.race([answer, timeout]);
}

// Hashed files: the cache, else the network (then cached). Other files:
// the cache at once, refreshed from the network for next time.
async function asset(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request);
  const path = new URL(event.request.url).pathname;
  if (cached && HASHED.test(path)) {
    return cached;
  }
  const network = fetch(event.request).then((r) => {
    if (r.ok && r.type === 'basic') {
      event.waitUntil(cache.put(event.request, r.clone()));
    }
    return r;
  });
  if (cached) {
    event.waitUntil(network.catch(() => undefined));
    return cached;
  }
  return network;
}

// Stores a fresh index.html and the assets it names; drops hashed assets
// that no longer belong to it (an older build's).
async function keepShell(response) {
  const html = await response.text();
  const cache = await caches.open(CACHE);
  await cache.put(SHELL, new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } }));
  const wanted = new Set();
  for (const m of html.matchAll(/["'](\/[^"'\s?#]+\.(?:js|wasm|css))["']/g)) {
    if (!m[1].startsWith('/api/')) {
      wanted.add(m[1]);
    }
  }
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname;
    if (HASHED.test(path) && !wanted.has(path)) {
      await cache.delete(req);
    }
  }
  const missing = [];
  for (const path of wanted) {
    if (!(await cache.match(path))) {
      missing.push(path);
    }
  }
  await cache.addAll(missing);
}
