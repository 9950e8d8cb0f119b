"""Reference reader for the roster import benchmark (docs/PERFORMANCE.md, issue 17).

Times openpyxl (read_only=True, the fastest of its modes) merely reading every cell of
the first worksheet of a workbook, e.g. the one `JIGUAN_BENCH_FORMAT=xlsx
JIGUAN_BENCH_SAVE=/var/tmp/roster.xlsx cargo bench -p jiguan-store --bench people_import`
writes:

    python3 -m venv /var/tmp/openpyxl-venv && /var/tmp/openpyxl-venv/bin/pip install openpyxl
    /var/tmp/openpyxl-venv/bin/python bench/import/openpyxl_read.py /var/tmp/roster.xlsx
"""

import sys
import time

import openpyxl

t0 = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
ws = wb.worksheets[0]
rows = 0
cells = 0
for row in ws.iter_rows(values_only=True):
    rows += 1
    cells += sum(1 for v in row if v is not None)
wb.close()
print(
    f"openpyxl {openpyxl.__version__} read_only: {rows} rows, {cells} cells "
    f"in {time.perf_counter() - t0:.2f} s"
)
