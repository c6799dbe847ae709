#!/usr/bin/env python3
"""Tails seen from another client (issue 22, item 9): `cargo xtask bench tails`.

Drives the release server from outside with a plain Python client, as a PBX
script or an integrator would: `urllib` (a new connection per request, no
keep-alive) for HTTP, `websocket-client` for the live channel. It measures

- the screen pop: a signed `ringing` webhook sent, then `call.ringing` read on
  op01's socket;
- order creation spread over clients: 8 writer processes, each order for a
  client drawn from 1,000;
- one hot client: 8 writer processes, every order for ONE client (a big
  company's offices at once), in rounds of 8 concurrent orders (the round's
  orders are cancelled between rounds, unmeasured, so the client's open list
  stays as in life);

each with up to three HTTP clients (`--http`): `plain`, `urllib` as it is
(a connection per request; Python's `http.client` writes a request's
headers and its body in two `send()` calls, and sets no TCP_NODELAY);
`nodelay`, the same on a socket with TCP_NODELAY; and `keepalive`, one
`http.client` connection per process kept open, without TCP_NODELAY (as
`requests.Session`). The differences are what Nagle's algorithm costs. The server's conflict counters
(`rodnik_tx_conflicts_total`, read on `--metrics-listen`) are read around
every phase. Every order created is cancelled at the end.

    tails.py --server target/release/rodnik --data DIR [--pops 300]
             [--seconds 10] [--writers 8] [--rounds 100] [--http plain,nodelay]
             [--quickack on|off] [--out FILE.md]

Writes a Markdown table to stdout (and to --out). Needs websocket-client
(xtask installs it into a venv).
"""

import argparse
import hashlib
import hmac
import http.client
import json
import multiprocessing as mp
import os
import queue
import random
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import websocket  # websocket-client

PASSWORD = "demo12345"
SECRET = "bench-tails-telephony-secret"
ADMIN_PASSWORD = "bench-scale-admin-password"


# ------------------------------------------------------------------ clients


class NoDelayConnection(http.client.HTTPConnection):
    """`http.client` with TCP_NODELAY on its socket."""

    def connect(self):
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(NoDelayConnection, req)


OPENERS = {
    "plain": urllib.request.build_opener(),
    "nodelay": urllib.request.build_opener(NoDelayHandler()),
}


class Api:
    """`client`: "plain" (urllib, a connection per request), "nodelay" (the
    same with TCP_NODELAY), "keepalive" (one `http.client` connection kept
    open, no TCP_NODELAY: what `requests.Session` does)."""

    def __init__(self, base, client="plain"):
        self.base = base
        self.keep = client == "keepalive"
        self.opener = OPENERS.get(client, OPENERS["plain"])
        self.conn = None

    def call(self, method, path, token=None, body=None, headers=None, raw=None):
        """(status, parsed JSON or None). No keep-alive: urllib closes."""
        data = raw
        hdrs = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
            if method == "POST":
                hdrs.setdefault("Idempotency-Key", str(uuid.uuid4()))
        if token:
            hdrs["Authorization"] = "Bearer " + token
        if self.keep:
            return self.call_kept(method, path, data, hdrs)
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with self.opener.open(req, timeout=60) as r:
                text = r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            text = e.read()
            status = e.code
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, None

    def call_kept(self, method, path, data, hdrs):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.base.removeprefix("http://"), timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                r = self.conn.getresponse()
                text = r.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        try:
            return r.status, json.loads(text) if text else None
        except ValueError:
            return r.status, None

    def ok(self, method, path, token=None, body=None):
        status, v = self.call(method, path, token, body)
        if status // 100 != 2:
            raise RuntimeError(f"{method} {path}: {status} {str(v)[:300]}")
        return v

    def login(self, user):
        return self.ok("POST", "/api/auth/login", body={"username": user, "password": PASSWORD})["token"]


def sign(raw):
    return "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()


def webhook(api, event):
    event = dict(event, sent_at=int(time.time()), nonce=uuid.uuid4().hex)
    raw = json.dumps(event).encode()
    status, v = api.call(
        "POST",
        "/api/telephony/events",
        raw=raw,
        headers={"Content-Type": "application/json", "X-Rodnik-Signature": sign(raw)},
    )
    if status // 100 != 2:
        raise RuntimeError(f"webhook {event['event']}: {status} {v}")


# ------------------------------------------------------------------- server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def warm_page_cache(folder):
    t = time.time()
    total = 0
    for root, _, files in os.walk(folder):
        for f in files:
            try:
                with open(os.path.join(root, f), "rb") as fh:
                    while chunk := fh.read(1 << 22):
                        total += len(chunk)
            except OSError:
                pass
    print(f"tails: read {total / 2**20:.0f} MiB of {folder} into the page cache in {time.time() - t:.1f} s",
          file=sys.stderr)


class Server:
    def __init__(self, binary, data, quickack):
        self.port = free_port()
        self.metrics_port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        for k in ("RUST_BACKTRACE", "RUST_LIB_BACKTRACE"):
            env.pop(k, None)
        env.update(
            RODNIK_TELEPHONY_SECRET=SECRET,
            RODNIK_ADMIN_PASSWORD=ADMIN_PASSWORD,
            RODNIK_LOG="warn",
        )
        if quickack is not None:
            env["RODNIK_TCP_QUICKACK"] = "1" if quickack else "0"
        self.log = open(os.path.join(os.path.dirname(os.path.abspath(data)), ".tails-server.log"), "w")
        self.proc = subprocess.Popen(
            [binary, "serve", "--db", data, "--listen", f"127.0.0.1:{self.port}",
             "--static-dir", "/nonexistent", "--metrics-listen", f"127.0.0.1:{self.metrics_port}"],
            env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
        )
        started = time.time()
        while True:
            try:
                with urllib.request.urlopen(self.base + "/api/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}); see {self.log.name}")
            if time.time() - started > 600:
                raise RuntimeError("the server did not answer /api/health in 600 s")
            time.sleep(0.2)

    def conflicts(self):
        """Conflict counters, and the server's own histogram of POST
        /api/orders (`le` -> count, over every status), from /metrics."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10) as r:
            text = r.read().decode()
        out, hist = {}, {}
        for line in text.splitlines():
            for name in ("rodnik_tx_conflicts_total", "rodnik_tx_retries_exhausted_total"):
                if line.startswith(name + " "):
                    out[name] = float(line.split()[1])
            if (line.startswith("rodnik_http_request_duration_seconds_bucket{")
                    and 'route="/api/orders"' in line and 'method="POST"' in line):
                le = line.split('le="', 1)[1].split('"', 1)[0]
                hist[le] = hist.get(le, 0) + float(line.rsplit(" ", 1)[1])
        out["hist"] = hist
        return out

    def cpu(self):
        """The server's user + system CPU seconds so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ------------------------------------------------------------------ context


def context(api):
    manager = api.login("manager")
    operators = []
    for i in range(1, 13):
        try:
            operators.append(api.login(f"op{i:02d}"))
        except RuntimeError:
            if i == 1:
                raise
            break
    couriers = [u["id"] for u in api.ok("GET", "/api/users?role=courier", manager)]
    today = api.ok("GET", "/api/route?courier_id=" + urllib.parse.quote(couriers[0]), manager)["date"]
    products = api.ok("GET", "/api/products", manager)
    water = max((p for p in products if p["kind"] == "water"), key=lambda p: bool(p.get("returnable")))["id"]
    ids, seen = [], set()
    day = time.strptime(today, "%Y-%m-%d")
    t = time.mktime(day)
    back = 0
    while len(ids) < 1000 and back < 60:
        d = time.strftime("%Y-%m-%d", time.localtime(t - back * 86400))
        for o in api.ok("GET", f"/api/orders?date={d}&limit=500", manager):
            c = o["client_id"]
            if c not in seen and len(ids) < 1000:
                seen.add(c)
                ids.append(c)
        back += 1
    clients, phones = [], []
    for cid in ids:
        card = api.ok("GET", "/api/clients/" + urllib.parse.quote(cid), manager)
        if card.get("addresses"):
            clients.append((cid, card["addresses"][0]["id"]))
        phones.extend(card.get("phones", [])[:1])
    tomorrow = time.strftime("%Y-%m-%d", time.localtime(t + 86400 + 3600))
    return dict(manager=manager, operators=operators, couriers=couriers, today=today,
                tomorrow=tomorrow, water=water, clients=clients, phones=phones)


def order_body(ctx, rng, client=None):
    cid, addr = client or rng.choice(ctx["clients"])
    window = rng.choice([("09:00", "13:00"), ("13:00", "18:00"), ("18:00", "21:00")])
    return {"client_id": cid, "address_id": addr, "delivery_date": ctx["tomorrow"],
            "lines": [{"product_id": ctx["water"], "qty": 1 + rng.randrange(3)}],
            "window": {"from": window[0], "to": window[1]}}


# ------------------------------------------------------------- measurements


def pct(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    k = max(1, -(-len(v) * p // 100))
    return v[int(min(k, len(v))) - 1]


class Row:
    def __init__(self, name, lat, errors=0, rate=None, note=""):
        self.name, self.lat, self.errors, self.rate, self.note = name, lat, errors, rate, note

    def p(self, q):
        return pct(self.lat, q)

    def markdown(self):
        f = lambda s: f"{s * 1000:.1f} ms" if s >= 0.01 else f"{s * 1000:.2f} ms"
        rate = f"{self.rate:.0f}/s" if self.rate else "-"
        over40 = sum(1 for x in self.lat if x >= 0.040)
        return (f"| {self.name} | {len(self.lat)} | {self.errors} | {f(self.p(50))} | {f(self.p(90))} | "
                f"{f(self.p(99))} | {f(max(self.lat) if self.lat else 0)} | {over40} | {rate} | {self.note} |")


HEADER = ("| operation | samples | errors | p50 | p90 | p99 | max | ≥ 40 ms | throughput | server conflicts |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")


def screen_pop(base, ctx, n, warm, client):
    """Webhook (urllib, `client`) → call.ringing on op01's socket (websocket-client)."""
    api = Api(base, client)
    url = base.replace("http://", "ws://") + "/api/live?token=" + ctx["operators"][0]
    ws = websocket.create_connection(url, timeout=30)
    inbox = queue.Queue()

    def reader():
        while True:
            try:
                m = ws.recv()
            except Exception:
                return
            inbox.put((time.perf_counter(), m))

    threading.Thread(target=reader, daemon=True).start()
    time.sleep(0.3)
    run = uuid.uuid4().hex[:8]
    lat, http_lat, errors = [], [], 0
    for i in range(warm + n):
        call_id = f"tails-{run}-{i}"
        frm = ctx["phones"][i % len(ctx["phones"])]
        ev = {"event": "ringing", "call_id": call_id, "from": frm, "to": "+74950000000", "extension": "101"}
        t0 = time.perf_counter()
        try:
            webhook(api, ev)
        except Exception as e:  # noqa: BLE001 - counted
            errors += 1
            print(f"tails: {e}", file=sys.stderr)
            continue
        t_http = time.perf_counter() - t0
        got = None
        deadline = time.perf_counter() + 10
        while got is None and time.perf_counter() < deadline:
            try:
                at, m = inbox.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                break
            if '"call.ringing"' in m and call_id in m:
                got = at
        if i >= warm:
            if got is None:
                errors += 1
            else:
                lat.append(got - t0)
                http_lat.append(t_http)
        webhook(api, dict(ev, event="ended"))
    ws.close()
    return lat, http_lat, errors


def _writer(base, ctx, client, seconds, seed, hot, out):
    api = Api(base, client)
    rng = random.Random(seed)
    token = ctx["operators"][seed % len(ctx["operators"])]
    lat, errors, ids, statuses = [], 0, [], {}
    deadline = time.time() + seconds
    while time.time() < deadline:
        body = order_body(ctx, rng, hot)
        t0 = time.perf_counter()
        status, v = api.call("POST", "/api/orders", token, body)
        d = time.perf_counter() - t0
        if status == 201:
            lat.append(d)
            ids.append(v["id"])
        else:
            errors += 1
            statuses[status] = statuses.get(status, 0) + 1
    out.put((lat, errors, ids, statuses))


def spread(base, ctx, writers, seconds, client):
    out = mp.Queue()
    procs = [mp.Process(target=_writer, args=(base, ctx, client, seconds, 1000 + i, None, out))
             for i in range(writers)]
    t = time.time()
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.time() - t
    lat = [x for r in results for x in r[0]]
    return lat, sum(r[1] for r in results), [i for r in results for i in r[2]], len(lat) / elapsed, \
        merge_statuses(r[3] for r in results)


def merge_statuses(parts):
    out = {}
    for p in parts:
        for k, v in p.items():
            out[k] = out.get(k, 0) + v
    return out


def _hot_writer(base, ctx, client, seed, hot, rounds, start, done, out):
    api = Api(base, client)
    rng = random.Random(seed)
    token = ctx["operators"][seed % len(ctx["operators"])]
    lat, errors, statuses = [], 0, {}
    for _ in range(rounds):
        start.wait()
        body = order_body(ctx, rng, hot)
        t0 = time.perf_counter()
        status, v = api.call("POST", "/api/orders", token, body)
        d = time.perf_counter() - t0
        if status == 201:
            lat.append(d)
            out.put(("id", v["id"]))
        else:
            errors += 1
            statuses[status] = statuses.get(status, 0) + 1
            out.put(("id", None))
        done.wait()
    out.put(("end", (lat, errors, statuses)))


def hot_client(base, ctx, writers, rounds, client):
    """`writers` concurrent orders for one client, `rounds` times."""
    hot = ctx["clients"][0]
    out = mp.Queue()
    start, done = mp.Barrier(writers + 1), mp.Barrier(writers + 1)
    procs = [mp.Process(target=_hot_writer, args=(base, ctx, client, 2000 + i, hot, rounds, start, done, out))
             for i in range(writers)]
    for p in procs:
        p.start()
    api = Api(base, client)
    created = 0
    t_busy = 0.0
    for _ in range(rounds):
        t = time.perf_counter()
        start.wait()
        ids = [out.get()[1] for _ in range(writers)]
        t_busy += time.perf_counter() - t
        done.wait()
        # The round's orders leave the client's open list (not measured).
        for i in ids:
            if i:
                created += 1
                api.call("POST", f"/api/orders/{urllib.parse.quote(i)}/cancel", ctx["operators"][0],
                         {"reason": "Benchmark order"})
    results = [out.get()[1] for _ in procs]
    for p in procs:
        p.join()
    lat = [x for r in results for x in r[0]]
    return lat, sum(r[1] for r in results), created / t_busy if t_busy else None, \
        merge_statuses(r[2] for r in results)


def cancel_all(base, ctx, ids):
    api = Api(base)
    failed = 0
    for i in ids:
        status, _ = api.call("POST", f"/api/orders/{urllib.parse.quote(i)}/cancel", ctx["operators"][0],
                             {"reason": "Benchmark order"})
        failed += status != 200
    return failed


def uptime():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--pops", type=int, default=300)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--http", default="plain,nodelay")
    ap.add_argument("--quickack", choices=["on", "off"], default=None,
                    help="RODNIK_TCP_QUICKACK for the server (default: the server's own default)")
    ap.add_argument("--cold", action="store_true")
    ap.add_argument("--only", default="pop,spread,hot")
    ap.add_argument("--out")
    a = ap.parse_args()
    only = set(a.only.split(","))
    if not a.cold:
        warm_page_cache(a.data)
    quickack = None if a.quickack is None else a.quickack == "on"
    server = Server(a.server, a.data, quickack)
    rows, created = [], []
    load = [uptime()]
    try:
        api = Api(server.base)
        ctx = context(api)
        print(f"tails: {len(ctx['clients'])} clients, {len(ctx['phones'])} phones; orders for {ctx['tomorrow']}",
              file=sys.stderr)

        def mark():
            kids = resource.getrusage(resource.RUSAGE_CHILDREN)
            return server.conflicts(), server.cpu(), kids.ru_utime + kids.ru_stime, time.time()

        def conflicts_since(before):
            c0, cpu0, kids0, t0 = before
            now = server.conflicts()
            kids = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall = time.time() - t0
            h0, h1 = c0.get("hist", {}), now.get("hist", {})
            n = h1.get("+Inf", 0) - h0.get("+Inf", 0)
            over = lambda le: 100 * (n - (h1.get(le, 0) - h0.get(le, 0))) / n if n else 0
            own = f"; server's own time > 25 ms: {over('0.025'):.1f} %, > 50 ms: {over('0.05'):.1f} %" if n else ""
            return ", ".join(f"{k.replace('rodnik_tx_', '').replace('_total', '')} "
                             f"{now.get(k, 0) - c0.get(k, 0):.0f}" for k in sorted(now) if k != "hist") + own + \
                f"; CPU s in {wall:.0f} s: server {server.cpu() - cpu0:.1f}, writers " \
                f"{kids.ru_utime + kids.ru_stime - kids0:.1f}"

        for client in a.http.split(","):
            if "pop" in only:
                c0 = mark()
                lat, http_lat, errors = screen_pop(server.base, ctx, a.pops, 20, client)
                rows.append(Row(f"screen pop ({client})", lat, errors, note=conflicts_since(c0)))
                rows.append(Row(f"  its webhook's answer ({client})", http_lat, 0))
                print(rows[-2].markdown(), file=sys.stderr)
            if "spread" in only:
                c0 = mark()
                lat, errors, ids, rate, st = spread(server.base, ctx, a.writers, a.seconds, client)
                created += ids
                note = conflicts_since(c0) + (f"; statuses {st}" if st else "")
                rows.append(Row(f"create, {a.writers} writers spread over clients ({client})", lat, errors, rate, note))
                print(rows[-1].markdown(), file=sys.stderr)
            if "hot" in only:
                c0 = mark()
                lat, errors, rate, st = hot_client(server.base, ctx, a.writers, a.rounds, client)
                note = conflicts_since(c0) + (f"; statuses {st}" if st else "")
                rows.append(Row(f"create, {a.writers} at once for ONE client ({client})", lat, errors, rate, note))
                print(rows[-1].markdown(), file=sys.stderr)
        load.append(uptime())
        failed = cancel_all(server.base, ctx, created)
        if failed:
            print(f"tails: {failed} of {len(created)} orders could not be cancelled", file=sys.stderr)
    finally:
        server.stop()
    text = "\n".join([
        f"load average at start {load[0]}, after the phases {load[-1]} (2 cores)",
        "",
        HEADER,
        *[r.markdown() for r in rows],
    ])
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    bad = sum(r.errors for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    mp.set_start_method("fork")
    sys.exit(main())
