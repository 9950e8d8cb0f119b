//! The downsizing commands.

use serde_json::Value;

use crate::helpers::*;

// ---- downsizing ----

#[test]
fn downsizing_summary_export_and_apply() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "d.db");
    let run = |args: &[&str]| run_db(dir.path(), &db, args);
    // The seed: 骆驼街道 21 of 100 = 21 %, 50 in all.
    let r = run(&["downsizing", "summary", "--district", "zhenhai"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let luotuo = r
        .stdout
        .lines()
        .find(|l| l.starts_with("luotuo\t"))
        .unwrap();
    let cols: Vec<&str> = luotuo.split('\t').collect();
    assert_eq!(
        (cols[2], cols[3], cols[4], cols[5]),
        ("approved", "21", "100", "21%")
    );
    let total = r.stdout.lines().last().unwrap();
    assert!(total.starts_with("total\t\t\t50\t"), "{total}");
    // The approved plan: listed, exported, applied as the unit administrator.
    let r = run(&at_luotuo(&["downsizing", "plans"], &[]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan = r
        .stdout
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    // `downsizing VERB` on that plan of 骆驼街道, and applying it as the unit administrator.
    let on_plan = |verb: &str, extra: &[&str]| {
        let mut all = at_luotuo(&["downsizing", verb], &["--plan", &plan]);
        all.extend_from_slice(extra);
        run(&all)
    };
    let apply = || {
        run(&[
            "downsizing",
            "apply",
            "--as",
            "luotuo_admin",
            "--plan",
            &plan,
        ])
    };
    let out = dir.path().join("s.xlsx").to_string_lossy().into_owned();
    let r = on_plan("export", &["--out", &out]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::metadata(&out).unwrap().len() > 1000);
    let r = apply();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = on_plan("show", &[]);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["plan"]["status"], "applied");
    assert_eq!(v["totals"]["cut"], 21);
    // Applying twice is refused.
    let r = apply();
    assert_ne!(r.code, 0);
}
