//! `jiguan import relations` and `jiguan export relations` (亲属关系) on the demo database:
//! every bad row on standard error and nothing written (exit 2), a clean file written, the
//! same file again changing nothing, the export importing back, a cached `#REF!` refused.

use crate::helpers::*;

fn table(path: &std::path::Path) -> jiguan_excel::import::Table {
    let bytes = std::fs::read(path).unwrap();
    jiguan_excel::import::read_table(&bytes, &Default::default()).unwrap()
}

fn write_csv(path: &std::path::Path, rows: &[[&str; 5]]) {
    let mut out = "人员身份证号,姓名,亲属关系,亲属身份证号,亲属姓名\n".to_string();
    for r in rows {
        out.push_str(&r.join(","));
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

/// A one-sheet workbook of the template's columns whose 亲属关系 cell (C2) is a formula
/// with a cached `#REF!`, as Excel saves it.
fn ref_error_xlsx(n1: &str, n2: &str) -> Vec<u8> {
    let s = |r: &str, v: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#);
    let sheet = format!(
        r#"<worksheet><sheetData><row r="1">{}{}{}{}{}</row><row r="2">{}{}<c r="C2" t="e"><f>Sheet2!#REF!</f><v>#REF!</v></c>{}{}</row></sheetData></worksheet>"#,
        s("A1", "人员身份证号"),
        s("B1", "姓名"),
        s("C1", "亲属关系"),
        s("D1", "亲属身份证号"),
        s("E1", "亲属姓名"),
        s("A2", n1),
        s("B2", "x"),
        s("D2", n2),
        s("E2", "y"),
    );
    jiguan_excel::inspect::one_sheet_zip("亲属关系", &sheet, None).unwrap()
}

#[test]
fn relations_import_export_round_trip_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "demo.db");
    let at = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--district", "zhenhai", "--unit", "luotuo"]);
        run_db(dir.path(), &db, &all)
    };
    // Three people of 骆驼街道 from its roster (full ID numbers on the command line).
    let r = at(&["export", "roster", "--out", "roster.xlsx"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let roster = table(&dir.path().join("roster.xlsx"));
    let name = roster.headers.iter().position(|h| h == "姓名").unwrap();
    let idn = roster.headers.iter().position(|h| h == "身份证号").unwrap();
    let p: Vec<(String, String)> = roster
        .rows
        .iter()
        .filter(|r| r[0] == "骆驼街道")
        .take(3)
        .map(|r| (r[idn].clone(), r[name].clone()))
        .collect();
    let (a, b, c) = (&p[0], &p[1], &p[2]);

    // Bad rows: listed on standard error (row, column, reason), nothing written, exit 2.
    let bad = dir.path().join("bad.csv");
    write_csv(
        &bad,
        &[
            [&a.0, &a.1, "配偶", &b.0, &b.1],
            [&a.0, &a.1, "同事", &c.0, &c.1],
            [&c.0, "某某", "子女", &b.0, &b.1],
        ],
    );
    let r = at(&["import", "relations", bad.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("行号 3\t亲属关系\t同事\t亲属关系：不是可选的值"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("行号 4\t姓名\t某某\t"), "{}", r.stderr);
    let r = at(&["export", "relations", "--out", "rel0.xlsx"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(table(&dir.path().join("rel0.xlsx")).rows.is_empty());

    // A clean file: written; the same file again changes nothing.
    let good = dir.path().join("good.csv");
    write_csv(
        &good,
        &[
            [&a.0, &a.1, "配偶", &b.0, &b.1],
            [&c.0, &c.1, "子女", &b.0, &b.1],
        ],
    );
    let r = at(&["import", "relations", good.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("新增: 2"), "{}", r.stdout);
    let r = at(&["import", "relations", good.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("新增: 0") && r.stdout.contains("无变化: 2"),
        "{}",
        r.stdout
    );

    // The export, in the template's layout, imports back as it is.
    let r = at(&["export", "relations", "--out", "rel.xlsx"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = dir.path().join("rel.xlsx");
    let t = table(&out);
    assert_eq!(
        t.headers,
        [
            "人员身份证号",
            "姓名",
            "亲属关系",
            "亲属身份证号",
            "亲属姓名"
        ]
    );
    assert!(t.rows.contains(&vec![
        a.0.clone(),
        a.1.clone(),
        "配偶".to_string(),
        b.0.clone(),
        b.1.clone()
    ]));
    assert_eq!(t.rows.len(), 2);
    let r = at(&["import", "relations", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("新增: 0") && r.stdout.contains("无变化: 2"));

    // A cell with a cached error value is refused naming the cell.
    let refx = dir.path().join("ref.xlsx");
    std::fs::write(&refx, ref_error_xlsx(&a.0, &b.0)).unwrap();
    let r = at(&["import", "relations", refx.to_str().unwrap()]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("C2") && r.stderr.contains("#REF!"),
        "{}",
        r.stderr
    );
}
