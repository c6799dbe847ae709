"""PyVRP (hybrid genetic search) on a Solomon / Gehring-Homberger instance under
the distance-only DIMACS convention, for the route benchmark (bench_routes).

    python pyvrp_solomon.py FILE --time-limit-ms N --seed S

Every arc is floor(10 * Euclidean distance), i.e. the distance truncated to one
decimal and scaled by 10 so PyVRP gets integers; travel time equals distance;
windows and service times are scaled by 10 too. Prints the same line as
`vrptw`: {"routes": [[customer numbers], ...], "distance": D}. Only the search
(Model.solve) gets the time limit; reading and building the model do not count.
"""

import argparse
import json
import math
import sys

from pyvrp import Model
from pyvrp.stop import MaxRuntime


def read(path):
    with open(path) as f:
        lines = [line.split() for line in f if line.strip()]
    at = next(i for i, t in enumerate(lines) if t[0].upper() == "VEHICLE")
    vehicles, capacity = int(lines[at + 2][0]), int(lines[at + 2][1])
    rows = [t for t in lines[at + 3:] if t[0][0].isdigit() and len(t) == 7]
    rows = [[float(v) for v in t] for t in rows]
    for i, r in enumerate(rows):
        if int(r[0]) != i:
            sys.exit(f"{path}: expected customer {i}, found {r[0]}")
    return vehicles, capacity, rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--time-limit-ms", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    vehicles, capacity, rows = read(a.file)

    m = Model()
    depot_row = rows[0]
    locations = [m.add_location(x=int(r[1]), y=int(r[2])) for r in rows]
    m.add_depot(locations[0], tw_early=10 * int(depot_row[4]), tw_late=10 * int(depot_row[5]))
    m.add_vehicle_type(
        num_available=vehicles,
        capacity=capacity,
        tw_early=10 * int(depot_row[4]),
        tw_late=10 * int(depot_row[5]),
    )
    for r in rows[1:]:
        m.add_client(
            locations[int(r[0])],
            delivery=int(r[3]),
            service_duration=10 * int(r[6]),
            tw_early=10 * int(r[4]),
            tw_late=10 * int(r[5]),
        )
    for i, a_row in enumerate(rows):
        for j, b_row in enumerate(rows):
            d = math.floor(10 * math.hypot(a_row[1] - b_row[1], a_row[2] - b_row[2]))
            m.add_edge(locations[i], locations[j], distance=d, duration=d)

    res = m.solve(stop=MaxRuntime(a.time_limit_ms / 1000), seed=a.seed, display=False)
    best = res.best
    if not best.is_feasible():
        sys.exit("PyVRP found no feasible solution")
    # A client activity's idx counts clients from 0: customer number idx + 1.
    routes = [[a.idx + 1 for a in route if a.is_client()] for route in best.routes()]
    distance = best.distance()
    print(json.dumps({"routes": routes, "distance": round(distance / 10, 1)}))


if __name__ == "__main__":
    main()
