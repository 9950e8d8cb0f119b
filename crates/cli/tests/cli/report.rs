//! `jiguan report`: the seed's figures on the demo, the workbook, the dates.

use crate::helpers::*;

#[test]
fn report_district_and_unit_with_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "r.db");
    let run = |args: &[&str]| run_db(dir.path(), &db, args);
    // The district (the only one, so --district may be left out): 16 bodies cut, 50 staff.
    let xlsx = dir.path().join("d.xlsx").to_string_lossy().into_owned();
    let r = run(&["report", "--xlsx", &xlsx]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let total: Vec<&str> = r
        .stdout
        .lines()
        .find(|l| l.starts_with("total\t"))
        .unwrap()
        .split('\t')
        .collect();
    assert_eq!((total[3], total[6]), ("16", "50"), "{}", r.stdout);
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 1000);
    // 骆驼街道: 21 of 100 = 21 %.
    let r = run(&["report", "--district", "zhenhai", "--unit", "luotuo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let row: Vec<&str> = r
        .stdout
        .lines()
        .find(|l| l.starts_with("luotuo\t"))
        .unwrap()
        .split('\t')
        .collect();
    assert_eq!((row[6], row[7]), ("21", "21%"));
    // A bad date names the field.
    let r = run(&["report", "--unit", "luotuo", "--from", "2019-13-01"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("from"), "{}", r.stderr);
}
