#!/usr/bin/env python3
"""The reference: PyPI `matching` 1.4.3 (HospitalResident, resident-optimal) on the same
instance, called as RULES-SELECTION-APPRAISAL.md §3.3.2 says (pairs pre-filtered to mutual
acceptability, empty lists dropped). Prints the seconds from start to result and writes the
sorted (staff, post) pairs as JSON to OUT, to compare with `jiguan calc match`.

    pip install matching==1.4.3
    python3 bench/match/oracle.py instance.json OUT.json
"""
import json
import sys
import time
import warnings

t0 = time.perf_counter()
from matching.games import HospitalResident  # noqa: E402

warnings.simplefilter("ignore")
sys.setrecursionlimit(20000)
d = json.load(open(sys.argv[1]))
ranked = {p["id"]: set(p["ranking"]) for p in d["posts"]}
residents = {}
for s in d["staff"]:
    prefs = [p for p in s["prefs"] if s["id"] in ranked[p]]
    if prefs:
        residents[s["id"]] = prefs
listed = {}
for s, prefs in residents.items():
    for p in prefs:
        listed.setdefault(p, set()).add(s)
hospitals = {p["id"]: [x for x in p["ranking"] if x in listed.get(p["id"], ())] for p in d["posts"]}
hospitals = {p: r for p, r in hospitals.items() if r}
capacity = {p["id"]: p["seats"] for p in d["posts"] if p["id"] in hospitals}
game = HospitalResident.create_from_dictionaries(residents, hospitals, capacity, clean=False)
result = game.solve(optimal="resident")
pairs = sorted([s.name, h.name] for h, people in result.items() for s in people)
print(json.dumps({"seconds": round(time.perf_counter() - t0, 3), "pairs": len(pairs)}))
json.dump(pairs, open(sys.argv[2], "w"))
