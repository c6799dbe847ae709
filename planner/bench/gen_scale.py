"""A day-sized instance in Solomon format for the planner's scale check
(docs/planning.md, "Scale"): 1,500 stops on a 100 x 100 square around the
depot, 20 vehicles of capacity 200, demand 1-3, service 3, a day of 720 with
the windows 0-240, 240-540, 540-720 or the whole day.

    python3 gen_scale.py > ~/.cache/rodnik-bench/scale1500.txt
"""

import random

random.seed(2)
print("SCALE1500\n\nVEHICLE\nNUMBER     CAPACITY\n  20         200\n\nCUSTOMER")
print("CUST NO.  XCOORD.  YCOORD.  DEMAND  READY TIME  DUE DATE  SERVICE TIME\n")
print("0 50 50 0 0 720 0")
windows = [(0, 240), (240, 540), (540, 720), (0, 720)]
for i in range(1, 1501):
    x, y = random.randint(0, 100), random.randint(0, 100)
    ready, due = random.choice(windows)
    print(f"{i} {x} {y} {random.randint(1, 3)} {ready} {due} 3")
