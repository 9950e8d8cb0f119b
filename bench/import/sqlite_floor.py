"""The floor of the roster import's write on SQLite (docs/PERFORMANCE.md, issue 17).

Builds the store's schema from crates/store/src/migrations (as migrate.rs renders it for
SQLite, with BINARY in place of the pinyin collation, which only Rust registers), then
writes N people the way an import does — the people rows in 100-row statements, their
history rows, their latest rows and their name grams — entirely inside SQLite
(INSERT … SELECT from a staging table filled beforehand), in one transaction. No Rust, no
driver, no parsing: what is left is SQLite's own work for this table layout, the least
any import through it can cost. It prints the CPU seconds of each part.

    python3 bench/import/sqlite_floor.py            # 100,000 people named 职工<i>, as the benchmark
    NAMES=real python3 bench/import/sqlite_floor.py # two- and three-character names
    LAYOUT=bare python3 bench/import/sqlite_floor.py  # primary keys only (no secondary index)
"""

import glob
import os
import random
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MIGRATIONS = sorted(glob.glob(os.path.join(HERE, "../../crates/store/src/migrations/*.sql")))
N = int(os.environ.get("N", "100000"))
NAMES = os.environ.get("NAMES", "bench")
LAYOUT = os.environ.get("LAYOUT", "full")
PATH = os.environ.get("DB", "/var/tmp/jiguan-sqlite-floor.db")


def render(sql):
    lines = [l for l in sql.splitlines() if not l.lstrip().startswith("--")]
    return (
        "\n".join(lines)
        .replace("{pk}", "INTEGER PRIMARY KEY AUTOINCREMENT")
        .replace("{ts}", "TEXT")
        .replace("{without_rowid}", " WITHOUT ROWID")
        .replace("COLLATE pinyin", "COLLATE BINARY")
    )


def fresh():
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(PATH + ext):
            os.remove(PATH + ext)
    db = sqlite3.connect(PATH, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    for m in MIGRATIONS:
        db.executescript(render(open(m, encoding="utf-8").read()))
    if LAYOUT == "bare":
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
            "('people', 'person_events', 'person_latest', 'people_grams')"
        ).fetchall():
            db.execute(f"DROP INDEX {name}")
    return db


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉玲红鹏飞斌宇浩凯健俊帆帅旭宁东林亮成晨阳波婷雪琳晶颖佳"


def name(i, rnd):
    if NAMES == "real":
        return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))
    return f"职工{i}"


def grams(s):
    """The characters and character pairs of a name (people_index::grams, lower-cased)."""
    s = s.lower()
    return set(s) | {s[k : k + 2] for k in range(len(s) - 1)}


def main():
    db = fresh()
    db.execute("INSERT INTO districts (id, code, name, created_at) VALUES (1, 'd1', '区', '2026-12-06')")
    db.execute("INSERT INTO units (id, district_id, code, name, kind, active, created_at) VALUES (1, 1, 'u1', '镇', 'town', 1, '2026-12-06')")
    rnd = random.Random(1)
    db.execute("CREATE TEMP TABLE src (n INTEGER PRIMARY KEY, name TEXT, idn TEXT, post TEXT)")
    db.executemany(
        "INSERT INTO src VALUES (?, ?, ?, ?)",
        [(i, name(i, rnd), f"{(i * 7919) % 10**18:018d}", f"综合{i % 15}") for i in range(N)],
    )
    db.execute("CREATE TEMP TABLE src_grams (n INTEGER, gram TEXT, PRIMARY KEY (n, gram))")
    db.executemany(
        "INSERT INTO src_grams VALUES (?, ?)",
        [(i, g) for i, nm in db.execute("SELECT n, name FROM src").fetchall() for g in grams(nm)],
    )
    n_grams = db.execute("SELECT COUNT(*) FROM src_grams").fetchone()[0]
    cpu = time.process_time
    t = [cpu()]
    wall = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.execute("PRAGMA cache_size = -65536")
    for a in range(0, N, 100):
        db.execute(
            "INSERT INTO people (district_id, unit_id, host_unit_id, body_id, name, gender, id_number, birth_date, ethnicity, party, "
            "education, work_start, unit_join, identity, establishment, post, rank, leader, leader_role, phone, funding, basic_pay, "
            "allowances, social_insurance, housing_fund, status, status_since, probation_end, created_at, updated_at) "
            "SELECT 1, 1, NULL, NULL, name, '男', idn, '1970-01-01', '汉族', '群众', '大学本科', '1992-01-01', '1992-01-01', "
            "'civil_servant', 'administrative', post, '', 0, '', '13505740000', 'full', 40000, 36000, 18000, 12000, 'on_post', "
            "'2026-01-01', NULL, '2026-12-06T00:00:00Z', '2026-12-06T00:00:00Z' FROM src WHERE n >= ? AND n < ?",
            (a, a + 100),
        )
    t.append(cpu())
    db.execute(
        "INSERT INTO person_events (district_id, person_id, on_date, kind, unit_id, host_unit_id, body_id, identity, establishment, "
        "post, rank, leader, funding, basic_pay, allowances, social_insurance, housing_fund, status, doc_no, note, created_at, created_by) "
        "SELECT p.district_id, p.id, '2026-01-01', 'hire', p.unit_id, p.host_unit_id, p.body_id, p.identity, p.establishment, p.post, "
        "p.rank, p.leader, p.funding, p.basic_pay, p.allowances, p.social_insurance, p.housing_fund, p.status, '', '', "
        "'2026-12-06T00:00:00Z', 'bench' FROM people p ORDER BY p.id"
    )
    t.append(cpu())
    db.execute(
        "INSERT INTO person_latest (person_id, district_id, unit_id, event_id, on_date, status, identity, funding, body_key, basic_pay, "
        "allowances, social_insurance, housing_fund, first_date, establishment) SELECT e.person_id, e.district_id, e.unit_id, e.id, "
        "e.on_date, e.status, e.identity, e.funding, COALESCE(e.body_id, 0), e.basic_pay, e.allowances, e.social_insurance, "
        "e.housing_fund, e.on_date, e.establishment FROM person_events e ORDER BY e.person_id"
    )
    t.append(cpu())
    # people.id = src.n + 1: the rows went in in src order into an empty table.
    db.execute("INSERT INTO people_grams (district_id, gram, person_id) SELECT 1, gram, n + 1 FROM src_grams")
    t.append(cpu())
    db.execute("COMMIT")
    t.append(cpu())
    wall = time.perf_counter() - wall
    parts = ["people", "history", "latest", "grams", "commit"]
    cost = "  ".join(f"{p} {b - a:.2f}" for p, a, b in zip(parts, t, t[1:]))
    print(
        f"SQLite {sqlite3.sqlite_version}, {N} people ({NAMES} names, {n_grams} name grams), layout {LAYOUT}: "
        f"CPU s: {cost}  total {t[-1] - t[0]:.2f} = {N / (t[-1] - t[0]):,.0f} rows per CPU-second (wall {wall:.2f} s)"
    )


if __name__ == "__main__":
    sys.exit(main())
