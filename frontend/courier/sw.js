// The courier app's service worker, scope /courier (registered from Rust at
// start-up, src/courier_app.rs; the server sends Service-Worker-Allowed for
// it). It keeps the courier build's shell: the page served at /courier and
// the js, wasm and css it names (Trunk's hashed files under /courier/), plus
// the manifest and icons.
//
// A repeat visit opens at once: a navigation is answered from the cache
// without waiting for a slow mobile network; the page is fetched meanwhile,
// and when it names a new build, that build's files are fetched and kept
// before the new page replaces the old one (so the next visit opens the new
// build, whole, with or without a connection).
//
// The API is never cached here: the courier app keeps its own data (the route
// snapshot and the queue of closes) in localStorage, and an /api/ request that
// cannot reach the server must fail, not be answered from a stale copy.

const CACHE = 'rodnik-courier-v1';
// The console's worker (frontend/sw.js) keeps its caches under another prefix.
const PREFIX = 'rodnik-courier-';
const SHELL = '/courier';
// The console build's files that keep their names (the PWA's manifest and icons).
const FIXED = [
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
  '/icons/apple-touch-icon.png',
];
// Trunk's content hash in a file name: immutable, so never fetched twice.
const HASHED = /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    refresh()
      .then(() => caches.open(CACHE))
      .then((c) => c.addAll(FIXED))
      // Offline at install time: the shell is kept when it is next fetched.
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
  if (req.mode === 'navigate') {
    event.respondWith(navigate(event));
  } else {
    event.respondWith(asset(event));
  }
});

// Every page under /courier is the courier app's page: the cached one at
// once (refreshed behind it), else the network.
async function navigate(event) {
  const cached = await caches.match(SHELL, { cacheName: CACHE });
  if (cached) {
    event.waitUntil(refresh());
    return cached;
  }
  const r = await fetch(event.request);
  if (isPage(r)) {
    event.waitUntil(keepShell(r.clone()).catch(() => undefined));
  }
  return r;
}

// Kept files from the cache; the others from the network. Hashed files are
// kept as they are fetched; the manifest and icons are refreshed behind.
async function asset(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request);
  const path = new URL(event.request.url).pathname;
  if (cached && HASHED.test(path)) {
    return cached;
  }
  const network = fetch(event.request).then((r) => {
    if (r.ok && r.type === 'basic' && (HASHED.test(path) || FIXED.includes(path))) {
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

// The page as the server has it now, kept with its build.
async function refresh() {
  try {
    const r = await fetch(SHELL, { cache: 'no-cache' });
    if (isPage(r)) {
      await keepShell(r);
    }
  } catch (e) {
    // No network: the cached page stays.
  }
}

function isPage(r) {
  return r.ok && (r.headers.get('content-type') || '').startsWith('text/html');
}

// Keeps the files a page names, then the page (with its security policy),
// then drops hashed files no longer named (an older build's).
async function keepShell(response) {
  const html = await response.text();
  const cache = await caches.open(CACHE);
  const wanted = new Set();
  for (const m of html.matchAll(/["'](\/courier\/[^"'\s?#]+\.(?:js|wasm|css))["']/g)) {
    wanted.add(m[1]);
  }
  const missing = [];
  for (const path of wanted) {
    if (!(await cache.match(path))) {
      missing.push(path);
    }
  }
  await cache.addAll(missing);
  const headers = { 'content-type': 'text/html; charset=utf-8' };
  const csp = response.headers.get('content-security-policy');
  if (csp) {
    headers['content-security-policy'] = csp;
  }
  await cache.put(SHELL, new Response(html, { headers }));
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname;
    if (HASHED.test(path) && !wanted.has(path)) {
      await cache.delete(req);
    }
  }
}
