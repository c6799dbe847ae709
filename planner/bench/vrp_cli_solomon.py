"""vrp-cli (the `vrp-core` solver's command line) on a Solomon instance under the
distance-only DIMACS convention, for the route benchmark (bench_routes).

    python3 vrp_cli_solomon.py VRP_CLI FILE --time-limit-ms N

vrp-cli's own Solomon reader minimises vehicles first and uses unrounded
distances, so it would solve another problem. This script hands it the same
problem the other solvers get: the pragmatic format with a routing matrix of
floor(10 * Euclidean distance) for both distance and time, windows and service
times scaled by 10 (as seconds from the epoch), the file's vehicle count and
capacity, and the objectives "minimize-unassigned" then "minimize-distance".
vrp-cli's time limit is in whole seconds (rounded up). Prints the same line as
`vrptw`: {"routes": [[customer numbers], ...], "distance": D}.
"""

import argparse
import datetime
import json
import math
import os
import subprocess
import sys
import tempfile


def read(path):
    with open(path) as f:
        lines = [line.split() for line in f if line.strip()]
    at = next(i for i, t in enumerate(lines) if t[0].upper() == "VEHICLE")
    vehicles, capacity = int(lines[at + 2][0]), int(lines[at + 2][1])
    rows = [t for t in lines[at + 3:] if t[0][0].isdigit() and len(t) == 7]
    return vehicles, capacity, [[float(v) for v in t] for t in rows]


def stamp(tenths):
    t = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=tenths)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("vrp_cli")
    p.add_argument("file")
    p.add_argument("--time-limit-ms", type=int, required=True)
    a = p.parse_args()
    vehicles, capacity, rows = read(a.file)
    depot = rows[0]
    jobs = [
        {
            "id": str(int(r[0])),
            "deliveries": [
                {
                    "places": [
                        {
                            "location": {"index": int(r[0])},
                            "duration": 10 * int(r[6]),
                            "times": [[stamp(10 * int(r[4])), stamp(10 * int(r[5]))]],
                        }
                    ],
                    "demand": [int(r[3])],
                }
            ],
        }
        for r in rows[1:]
    ]
    problem = {
        "plan": {"jobs": jobs},
        "fleet": {
            "vehicles": [
                {
                    "typeId": "van",
                    "vehicleIds": [f"van_{i}" for i in range(vehicles)],
                    "profile": {"matrix": "car"},
                    "costs": {"fixed": 0, "distance": 1, "time": 0},
                    "shifts": [
                        {
                            "start": {"earliest": stamp(10 * int(depot[4])), "location": {"index": 0}},
                            "end": {"latest": stamp(10 * int(depot[5])), "location": {"index": 0}},
                        }
                    ],
                    "capacity": [capacity],
                }
            ],
            "profiles": [{"name": "car"}],
        },
        "objectives": [{"type": "minimize-unassigned"}, {"type": "minimize-distance"}],
    }
    d = [math.floor(10 * math.hypot(x[1] - y[1], x[2] - y[2])) for x in rows for y in rows]
    matrix = {"profile": "car", "travelTimes": d, "distances": d}
    with tempfile.TemporaryDirectory() as tmp:
        pp, mp, op = (os.path.join(tmp, n) for n in ("problem.json", "matrix.json", "solution.json"))
        json.dump(problem, open(pp, "w"))
        json.dump(matrix, open(mp, "w"))
        secs = str(max(1, -(-a.time_limit_ms // 1000)))
        cmd = [a.vrp_cli, "solve", "pragmatic", pp, "-m", mp, "--max-time", secs, "-o", op]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"vrp-cli failed: {r.stderr.strip()[-500:]}")
        solution = json.load(open(op))
    if solution.get("unassigned"):
        sys.exit(f"vrp-cli left {len(solution['unassigned'])} customers out")
    routes = []
    for tour in solution["tours"]:
        route = [
            int(act["jobId"])
            for stop in tour["stops"]
            for act in stop["activities"]
            if act["type"] == "delivery"
        ]
        routes.append(route)
    total = solution["statistic"]["distance"]
    print(json.dumps({"routes": routes, "distance": round(total / 10, 1)}))


if __name__ == "__main__":
    main()
