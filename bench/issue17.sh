#!/usr/bin/env bash
# Every row of issue 17's table, measured in one go on SQLite and PostgreSQL (release):
#   1. the stress unit's roster, search, personnel-cost page and the dashboard at 64
#      connections, plus a soak smoke (crates/testkit/benches/http_load.rs, scale mode);
#   2. the 100,000-row xlsx roster import (crates/store/benches/people_import.rs) and
#      openpyxl merely reading the same file (bench/import/openpyxl_read.py);
#   3. the server's peak memory under 64 sign-ins and three hostile uploads
#      (the `server_memory_stays_bounded` test of the jiguan crate, release).
# Run it on an otherwise idle machine; it prints the machine, the date and the load
# before each part. Knobs: JIGUAN_BENCH_SECS (per page kind, default 10),
# JIGUAN_BENCH_DISTRICTS (province districts, default 10), JIGUAN_BENCH_PG_URL
# (default postgres://postgres@127.0.0.1:5432/postgres), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/tgt-rel}"
export JIGUAN_BENCH_PG_URL="${JIGUAN_BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export JIGUAN_BENCH_SECS="${JIGUAN_BENCH_SECS:-10}"
export JIGUAN_BENCH_DISTRICTS="${JIGUAN_BENCH_DISTRICTS:-10}"
VENV="${JIGUAN_BENCH_VENV:-/var/tmp/openpyxl-venv}"
XLSX="${JIGUAN_BENCH_XLSX:-/var/tmp/jiguan-roster-100k.xlsx}"

machine() {
  printf '\n### %s — %s UTC, %s cores, %s GiB, load %s\n' "$1" "$(date -u '+%Y-%m-%d %H:%M')" \
    "$(nproc)" "$(free -g | awk '/Mem:/ {print $2}')" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

echo "# issue 17 measurements: $(rustc --version), $(uname -sr)"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"

cargo bench -p jiguan-testkit --bench http_load --no-run
cargo bench -p jiguan-store --bench people_import --no-run
cargo test --release -p jiguan --test cli --no-run

machine "pages at 64 connections (SQLite, then PostgreSQL)"
JIGUAN_BENCH_SCALE=1 JIGUAN_BENCH_SOAK_SECS="${JIGUAN_BENCH_SOAK_SECS:-10}" \
  cargo bench -p jiguan-testkit --bench http_load

machine "100,000-row xlsx roster import (SQLite, then PostgreSQL)"
JIGUAN_BENCH_FORMAT=xlsx JIGUAN_BENCH_SAVE="$XLSX" cargo bench -p jiguan-store --bench people_import

machine "openpyxl reading the same file"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q openpyxl
fi
"$VENV/bin/python" bench/import/openpyxl_read.py "$XLSX"

machine "server peak memory: 64 sign-ins and 3 hostile uploads (release; SQLite, then PostgreSQL)"
cargo test --release -p jiguan --test cli server_memory_stays_bounded -- --ignored --nocapture
JIGUAN_TEST_PG="$JIGUAN_BENCH_PG_URL" \
  cargo test --release -p jiguan --test cli server_memory_stays_bounded -- --ignored --nocapture
