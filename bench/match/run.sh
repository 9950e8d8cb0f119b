#!/bin/sh
# Two-way selection benchmark (issue 14): `jiguan calc match` from process start to output
# on 100,000 staff x 10 choices over 40,000 posts, and side by side with PyPI `matching`
# 1.4.3 on a 5,000-staff instance (identical result required).
#
#   bench/match/run.sh [JIGUAN_BINARY] [PYTHON_WITH_MATCHING]
#
# JIGUAN_BINARY defaults to target/release/jiguan ($CARGO_TARGET_DIR honoured); the Python
# defaults to python3 (`python3 -m venv /var/tmp/venv && /var/tmp/venv/bin/pip install
# matching==1.4.3`). Instances and outputs go to a temporary directory. Prints the best of
# RUNS (default 5) wall-clock times and the peak memory of the last run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${CARGO_TARGET_DIR:-$here/../../target}/release/jiguan}
py=${2:-python3}
runs=${RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$here/gen.py" 100000 40000 10 7 > "$tmp/m100k.json"
python3 "$here/gen.py" 5000 400 5 11 5 15 > "$tmp/m5k.json"

best() { # best wall time in seconds of $runs runs of "$@" (stdout to $tmp/out.json)
  b=""
  i=0
  while [ "$i" -lt "$runs" ]; do
    t0=$(date +%s.%N)
    "$@" > "$tmp/out.json"
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
    i=$((i + 1))
  done
  echo "$b"
}

echo "== 100,000 staff x 10 choices, 40,000 posts ($(du -h "$tmp/m100k.json" | cut -f1) JSON)"
echo "jiguan calc match, best of $runs: $(best "$bin" calc match "$tmp/m100k.json") s"
/usr/bin/time -f "peak RSS %M KB" "$bin" calc match "$tmp/m100k.json" > "$tmp/out100k.json"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('placed', len(r['matches']), 'unplaced', len(r['unplaced']), 'blocking', r['blocking_pairs'])" "$tmp/out100k.json"

echo "== 5,000 staff x 5 choices, 400 posts"
echo "jiguan calc match, best of $runs: $(best "$bin" calc match "$tmp/m5k.json") s"
cp "$tmp/out.json" "$tmp/out5k.json"
echo "matching 1.4.3 (python process, best of $runs): $(best "$py" "$here/oracle.py" "$tmp/m5k.json" "$tmp/oracle.json") s"
echo "  inside python (import to result), last run: $(cat "$tmp/out.json")"
python3 "$here/compare.py" "$tmp/out5k.json" "$tmp/oracle.json"
