#!/usr/bin/env python3
"""Compares `jiguan calc match` output with the reference's pairs (oracle.py's OUT): prints
the number of pairs and exits 1 unless the two sets of (staff, post) pairs are identical.

    python3 bench/match/compare.py jiguan-out.json oracle.json
"""
import json
import sys

ours = json.load(open(sys.argv[1]))
mine = sorted([m["staff"], m["post"]] for m in ours["matches"])
ref = json.load(open(sys.argv[2]))
same = mine == ref
print(json.dumps({"jiguan_pairs": len(mine), "reference_pairs": len(ref), "identical": same,
                  "blocking_pairs": ours.get("blocking_pairs")}))
sys.exit(0 if same else 1)
