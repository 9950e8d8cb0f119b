#!/usr/bin/env python3
"""Writes a random two-way selection instance for `jiguan calc match` (the JSON contract of
docs/modules/rules.md): STAFF people each listing K distinct posts out of POSTS, every post
ranking (in random order) exactly the people who listed it, 1-4 seats (or SEATS_MIN-SEATS_MAX).

    python3 bench/match/gen.py STAFF POSTS K SEED [SEATS_MIN SEATS_MAX] > instance.json
"""
import json
import random
import sys

staff_n, posts_n, k, seed = (int(x) for x in sys.argv[1:5])
lo, hi = (int(x) for x in sys.argv[5:7]) if len(sys.argv) > 6 else (1, 4)
rng = random.Random(seed)
applicants = [[] for _ in range(posts_n)]
staff = []
for s in range(staff_n):
    prefs = rng.sample(range(posts_n), k)
    staff.append({"id": f"s{s}", "prefs": [f"p{p}" for p in prefs]})
    for p in prefs:
        applicants[p].append(s)
posts = []
for p, who in enumerate(applicants):
    rng.shuffle(who)
    posts.append({"id": f"p{p}", "seats": rng.randint(lo, hi), "ranking": [f"s{x}" for x in who]})
json.dump({"staff": staff, "posts": posts}, sys.stdout)
