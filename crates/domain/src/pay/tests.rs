#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn line(id: i64, grade: Grade, post: &str, months: u32, basic: i64) -> PayLine {
    PayLine {
        person_id: id,
        name: format!("p{id}"),
        grade,
        post_coef: d(post),
        months,
        basic_salary: Money(basic),
    }
}

fn pay6() -> Vec<PayLine> {
    vec![
        line(1, Grade::Excellent, "1.3", 12, 500_000),
        line(2, Grade::Competent, "1.3", 12, 480_000),
        line(3, Grade::Competent, "1.0", 12, 400_000),
        line(4, Grade::Basic, "1.0", 12, 400_000),
        line(5, Grade::Incompetent, "1.0", 12, 400_000),
    ]
}

/// PAY-6 vector through the unit's run: the calculator's function gives the same fen.
#[test]
fn pay6_vector_through_the_run() {
    let r = compute(Money(5_000_000), &Scheme::default(), &pay6()).unwrap();
    let shares: Vec<String> = r.lines.iter().map(|l| l.share.to_string()).collect();
    assert_eq!(
        shares,
        ["16738.20", "13948.50", "10729.61", "8583.69", "0.00"]
    );
    assert_eq!(
        r.lines.iter().map(|l| l.share.fen()).sum::<i64>(),
        5_000_000
    );
    assert_eq!(r.lines[0].weight, "1.56");
    assert_eq!(r.lines[0].grade_coef, d("1.2"));
}

/// PAY-1/2: one month's basic salary for 优秀 and 称职, none below; prorated by months.
#[test]
fn year_end_bonus_by_grade() {
    let r = compute(Money(5_000_000), &Scheme::default(), &pay6()).unwrap();
    let bonus: Vec<i64> = r.lines.iter().map(|l| l.bonus.fen()).collect();
    assert_eq!(bonus, [500_000, 480_000, 400_000, 0, 0]);
    assert_eq!(r.bonus_total, Money(1_380_000));
    let s = Scheme::default();
    // 7 months of 4,000.01: 2,333.339… → 2,333.34 (half-up at the fen).
    assert_eq!(
        year_end_bonus(&s, Grade::Competent, Money(400_001), 7),
        Money(233_334)
    );
    assert_eq!(
        year_end_bonus(&s, Grade::Basic, Money(400_000), 12),
        Money::ZERO
    );
}

#[test]
fn pool_per_head_or_fixed() {
    let p = PoolForm {
        basis: "per_head".into(),
        per_head: "12000".into(),
        headcount: "35".into(),
        unit_coef: "1.05".into(),
        amount: String::new(),
    }
    .parse()
    .unwrap();
    assert_eq!(p.amount(), Money(44_100_000));
    // 3 × 333.33 × 1.005 = 1004.99 (1,004.9899… rounds up at the fen).
    let p = PoolBasis::PerHead {
        per_head: Money(33_333),
        headcount: 3,
        unit_coef: d("1.005"),
    };
    assert_eq!(p.amount(), Money(100_499));
    let f = PoolForm {
        basis: "fixed".into(),
        amount: "50000".into(),
        ..PoolForm::default()
    };
    assert_eq!(f.parse().unwrap().amount(), Money(5_000_000));
    let errs = PoolForm {
        basis: "per_head".into(),
        per_head: "-1".into(),
        headcount: "x".into(),
        unit_coef: "9".into(),
        amount: String::new(),
    }
    .parse()
    .unwrap_err();
    let fields: Vec<(&str, &str)> = errs
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("per_head", "must_not_be_negative"),
            ("headcount", "out_of_range"),
            ("unit_coef", "out_of_range")
        ]
    );
    let e = PoolForm {
        basis: "lottery".into(),
        ..PoolForm::default()
    }
    .parse()
    .unwrap_err();
    assert_eq!(e[0].field, "basis");
}

/// PAY-5 and PAY-8: the district's caps refuse a run naming the field.
#[test]
fn district_caps() {
    let s = Scheme {
        max_post_coef: d("1.2"),
        ..Scheme::default()
    };
    let e = compute(Money(100_000), &s, &pay6()).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code.as_str()),
        ("lines[0].post_coef", "out_of_range")
    );
    // 1.56 / 0.8 = 1.95 > 1.5.
    let mut s = Scheme {
        max_spread: Some(d("1.5")),
        ..Scheme::default()
    };
    let e = compute(Money(100_000), &s, &pay6()).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code.as_str()),
        ("lines", "spread_over_cap")
    );
    assert!(e.args.contains(&("ratio".to_string(), "1.95".to_string())));
    s.max_spread = Some(d("2"));
    assert!(compute(Money(100_000), &s, &pay6()).is_ok());
}

/// The split's errors come back under the run's field names.
#[test]
fn split_errors_name_the_line() {
    let s = Scheme::default();
    let mut ls = pay6();
    ls[2].months = 13;
    let e = compute(Money(100), &s, &ls).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code.as_str()),
        ("lines[2].months", "out_of_range")
    );
    let ls = vec![line(1, Grade::Incompetent, "1", 12, 0)];
    let e = compute(Money(100), &s, &ls).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code.as_str()),
        ("lines", "weights_zero")
    );
    let e = compute(Money(-1), &s, &pay6()).unwrap_err();
    assert_eq!(e.field, "pool");
    assert_eq!(compute(Money(1), &s, &[]).unwrap_err().field, "lines");
}

#[test]
fn line_form_parses_every_field() {
    let s = Scheme::default();
    let l = LineForm {
        person_id: "7".into(),
        grade: "基本合格".into(),
        post_coef: "1.15".into(),
        months: "".into(),
        basic_salary: "4200.50".into(),
    }
    .parse(&s)
    .unwrap();
    assert_eq!(
        (l.grade, l.post_coef, l.months, l.basic_salary),
        (Grade::Basic, Some(d("1.15")), 12, Money(420_050))
    );
    let errs = LineForm {
        person_id: "x".into(),
        grade: "great".into(),
        post_coef: "3".into(),
        months: "13".into(),
        basic_salary: "-5".into(),
    }
    .parse(&s)
    .unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["person_id", "grade", "post_coef", "months", "basic_salary"]
    );
}

#[test]
fn spread_and_gini() {
    // Everyone the same (大锅饭): ratio 1, Gini 0.
    let s = spread(&[Money(100), Money(100), Money(100)]);
    assert_eq!((s.ratio, s.gini), (Some(d("1")), d("0")));
    // One person gets everything of four: G = (n−1)/n = 0.75.
    let s = spread(&[Money(0), Money(0), Money(0), Money(400)]);
    assert_eq!(
        (s.ratio, s.gini, s.min_nonzero),
        (Some(d("1")), d("0.75"), Money(400))
    );
    // 1, 2, 3: Σ|xi−xj| over ordered pairs = 8, 2 n² mean = 36 → 0.2222.
    let s = spread(&[Money(300), Money(100), Money(200)]);
    assert_eq!(
        (s.ratio, s.gini, s.max),
        (Some(d("3")), d("0.2222"), Money(300))
    );
    let s = spread(&[]);
    assert_eq!((s.ratio, s.gini, s.count), (None, d("0"), 0));
    let g = grade_stats(&[
        (Grade::Competent, Money(100)),
        (Grade::Excellent, Money(300)),
        (Grade::Competent, Money(201)),
    ]);
    assert_eq!(g.len(), 2);
    assert_eq!(
        (g[0].grade, g[0].count, g[0].mean),
        (Grade::Excellent, 1, Money(300))
    );
    // (1.00 + 2.01) / 2 = 1.505 → 1.51.
    assert_eq!(
        (g[1].mean, g[1].min, g[1].max),
        (Money(151), Money(100), Money(201))
    );
}

proptest! {
    /// The run's shares sum exactly to the pool for random pools, grades, posts and months;
    /// the Gini stays within [0, 1).
    #[test]
    fn shares_sum_exactly_to_the_pool(
        pool in 0i64..1_000_000_000,
        people in proptest::collection::vec((0usize..4, 100u32..150, 1u32..=12, 100i64..1_000_000), 1..80)
    ) {
        let ls: Vec<PayLine> = people
            .iter()
            .enumerate()
            .map(|(i, (g, c, m, b))| PayLine {
                person_id: i as i64 + 1,
                name: String::new(),
                grade: Grade::ALL[*g],
                post_coef: Decimal::new(i64::from(*c), 2),
                months: *m,
                basic_salary: Money(*b),
            })
            .collect();
        match compute(Money(pool), &Scheme::default(), &ls) {
            Ok(r) => {
                prop_assert_eq!(r.lines.iter().map(|l| l.share.fen()).sum::<i64>(), pool);
                prop_assert_eq!(r.spread.total, Money(pool));
                prop_assert!(r.spread.gini >= Decimal::ZERO && r.spread.gini < Decimal::ONE);
                for l in &r.lines {
                    prop_assert!(l.share.fen() >= 0);
                    prop_assert_eq!(l.bonus.fen() > 0, l.grade.earns_bonus() && l.basic_salary.fen() > 0 );
                }
            }
            Err(e) => prop_assert_eq!(e.code.as_str(), "weights_zero"),
        }
    }
}
