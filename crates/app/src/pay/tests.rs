//! The pay use cases against the in-memory [`FakeStore`](crate::fakes::FakeStore).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;

use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::money::Money;
use jiguan_domain::pay::{Grade, LineForm, PayRunId, PoolForm};
use jiguan_domain::people::{Identity, PersonId};
use jiguan_domain::posts::{PostForm, PostLevel};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::Status;

use crate::AppError;
use crate::fakes::people::person;
use crate::fakes::{TwoUnits, actor, field_codes as codes};
use crate::workflow::SimpleStep;

struct T {
    f: TwoUnits,
    /// People of unit a: 甲 (chief post, annual basic pay 60,000), 乙, 丙, 丁, 戊.
    people: Vec<i64>,
    /// A person of unit b.
    other: i64,
}

impl std::ops::Deref for T {
    type Target = TwoUnits;
    fn deref(&self) -> &TwoUnits {
        &self.f
    }
}

fn setup() -> T {
    let f = TwoUnits::new("xiepu", "澥浦镇");
    let at = f.app.clock.now();
    let (d, a, b) = (f.d, f.a, f.b);
    let (people, other) = f.state(|s| {
        let mut people = Vec::new();
        for name in ["甲", "乙", "丙", "丁", "戊"] {
            let id = s.next_id();
            let mut p = person(id, d, a, name, Identity::CivilServant);
            p.cost.basic_pay = Money(6_000_000);
            s.people.people.push(p);
            people.push(id);
        }
        let other = s.next_id();
        s.people
            .people
            .push(person(other, d, b, "己", Identity::CivilServant));
        let post = s.add_post(a, 1, "主任", PostLevel::Chief, vec![], at);
        let start = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap();
        s.add_main_assignment(a, post, people[0], start, at);
        (people, other)
    });
    let _ = PostForm::default();
    T { f, people, other }
}

impl T {
    fn district(&self) -> Actor {
        actor(self.d, None, Role::DistrictAdmin)
    }
    fn hr(&self) -> Actor {
        actor(self.d, Some(self.a), Role::UnitAdmin)
    }
    fn leader(&self) -> Actor {
        actor(self.d, Some(self.a), Role::CommitteeMember)
    }
    async fn pool(&self, amount: &str) {
        let f = PoolForm {
            basis: "fixed".into(),
            amount: amount.into(),
            ..PoolForm::default()
        };
        self.app
            .set_pay_pool(&self.district(), self.a, 2019, &f)
            .await
            .unwrap();
    }
    /// The PAY-6 vector's five people: 优秀 on the chief post (1.3 from the post level),
    /// 称职 1.3 entered, 称职, 基本称职, 不称职.
    async fn run(&self) -> PayRunId {
        let run = self
            .app
            .create_pay_run(&self.hr(), self.a, 2019)
            .await
            .unwrap();
        let grades = ["excellent", "competent", "称职", "基本称职", "incompetent"];
        let posts = ["", "1.3", "1", "", ""];
        let rows: Vec<LineForm> = self
            .people
            .iter()
            .zip(grades.iter().zip(posts))
            .map(|(p, (g, c))| line(*p, g, c))
            .collect();
        self.app
            .import_pay_lines(&self.hr(), self.a, run, &rows)
            .await
            .unwrap();
        run
    }
}

fn line(person: i64, grade: &str, post: &str) -> LineForm {
    LineForm {
        person_id: person.to_string(),
        grade: grade.into(),
        post_coef: post.into(),
        months: String::new(),
        basic_salary: String::new(),
    }
}

#[tokio::test]
async fn district_sets_pools_per_head_or_fixed() {
    let t = setup();
    let f = PoolForm {
        basis: "per_head".into(),
        per_head: "12000".into(),
        headcount: "5".into(),
        unit_coef: "1.1".into(),
        amount: String::new(),
    };
    let m = t
        .app
        .set_pay_pool(&t.district(), t.a, 2019, &f)
        .await
        .unwrap();
    assert_eq!(m, Money(6_600_000));
    let pools = t.app.pay_pools(&t.district(), 2019).await.unwrap();
    assert_eq!((pools.len(), pools[0].amount), (1, Money(6_600_000)));
    // Setting again replaces.
    t.pool("50000").await;
    let pools = t.app.pay_pools(&t.district(), 2019).await.unwrap();
    assert_eq!((pools.len(), pools[0].amount), (1, Money(5_000_000)));
    // The unit's HR may not set its own pool; nothing written.
    let n = t.audits();
    let e = t
        .app
        .set_pay_pool(&t.hr(), t.a, 2019, &f)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden));
    let e = t
        .app
        .set_pay_pool(&t.district(), t.a, 1900, &f)
        .await
        .unwrap_err();
    assert_eq!(codes(e), [("year".into(), "out_of_range".into())]);
    assert_eq!(t.audits(), n);
}

/// PAY-6 through the use case: the post level gives 1.3, the roster's annual basic pay
/// gives the December basic salary, the shares sum to the pool, the bonus follows PAY-1.
#[tokio::test]
async fn run_computes_the_pay6_vector_with_bonus() {
    let t = setup();
    t.pool("50000.00").await;
    let run = t.run().await;
    let r = t.app.compute_pay_run(&t.hr(), t.a, run).await.unwrap();
    let shares: Vec<String> = r.lines.iter().map(|l| l.share.to_string()).collect();
    assert_eq!(
        shares,
        ["16738.20", "13948.50", "10729.61", "8583.69", "0.00"]
    );
    let v = t.app.pay_run(&t.hr(), t.a, run).await.unwrap();
    assert!(v.computed);
    assert_eq!(v.lines[0].post_source, "post");
    assert_eq!(v.lines[1].post_source, "entered");
    assert_eq!(v.lines[2].post_source, "entered");
    assert_eq!(v.lines[3].post_source, "default");
    assert_eq!(v.lines[0].basic_salary, Money(500_000));
    let bonus: Vec<i64> = v
        .lines
        .iter()
        .map(|l| l.result.as_ref().unwrap().bonus.fen())
        .collect();
    assert_eq!(bonus, [500_000, 500_000, 500_000, 0, 0]);
    assert_eq!(v.bonus_total, Money(1_500_000));
    let s = v.spread.unwrap();
    assert_eq!(s.total, Money(5_000_000));
    assert_eq!(s.ratio.unwrap().to_string(), "1.95");
    assert_eq!(v.by_grade.len(), 4);
    // The slip of the first person.
    let (_, l) = t
        .app
        .pay_slip(&t.hr(), t.a, run, PersonId(t.people[0]))
        .await
        .unwrap();
    assert_eq!(l.result.unwrap().weight, "1.56");
}

#[tokio::test]
async fn bad_lines_are_refused_whole() {
    let t = setup();
    t.pool("1000").await;
    let run = t.app.create_pay_run(&t.hr(), t.a, 2019).await.unwrap();
    let n = t.audits();
    let rows = vec![
        line(t.people[0], "great", ""),
        line(t.other, "competent", ""),
        LineForm {
            months: "13".into(),
            ..line(t.people[1], "competent", "")
        },
        line(t.people[2], "competent", "9"),
        line(t.people[3], "competent", ""),
        line(t.people[3], "basic", ""),
    ];
    let e = t
        .app
        .import_pay_lines(&t.hr(), t.a, run, &rows)
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        [
            ("rows[0].grade".into(), "choice_invalid".into()),
            ("rows[1].person_id".into(), "person_not_in_unit".into()),
            ("rows[2].months".into(), "out_of_range".into()),
            ("rows[3].post_coef".into(), "out_of_range".into()),
            ("rows[5].person_id".into(), "duplicate_id".into()),
        ]
    );
    assert_eq!(t.audits(), n, "nothing written");
    let v = t.app.pay_run(&t.hr(), t.a, run).await.unwrap();
    assert!(v.lines.is_empty());
    // One line by hand names the field without the row.
    let e = t
        .app
        .save_pay_line(&t.hr(), t.a, run, &line(t.people[0], "", ""))
        .await
        .unwrap_err();
    assert_eq!(codes(e), [("grade".into(), "required".into())]);
    // A second run for the same year is refused.
    let e = t.app.create_pay_run(&t.hr(), t.a, 2019).await.unwrap_err();
    assert_eq!(codes(e), [("year".into(), "pay_run_exists".into())]);
}

#[tokio::test]
async fn compute_needs_the_pool_and_submit_needs_a_computed_run() {
    let t = setup();
    let run = t.run().await;
    let e = t.app.compute_pay_run(&t.hr(), t.a, run).await.unwrap_err();
    assert_eq!(codes(e), [("pool".into(), "pay_pool_missing".into())]);
    let e = t.app.submit_pay_run(&t.hr(), t.a, run).await.unwrap_err();
    assert_eq!(codes(e), [("lines".into(), "pay_not_computed".into())]);
    t.pool("50000").await;
    t.app.compute_pay_run(&t.hr(), t.a, run).await.unwrap();
    // The district changes the pool: the run is stale until computed again.
    t.pool("60000").await;
    let v = t.app.pay_run(&t.hr(), t.a, run).await.unwrap();
    assert!(!v.computed);
    let e = t.app.submit_pay_run(&t.hr(), t.a, run).await.unwrap_err();
    assert_eq!(codes(e), [("lines".into(), "pay_not_computed".into())]);
    // A line changed clears the result.
    t.app.compute_pay_run(&t.hr(), t.a, run).await.unwrap();
    t.app
        .save_pay_line(&t.hr(), t.a, run, &line(t.people[4], "basic", ""))
        .await
        .unwrap();
    assert!(!t.app.pay_run(&t.hr(), t.a, run).await.unwrap().computed);
}

#[tokio::test]
async fn workflow_steps_and_roles() {
    let t = setup();
    t.pool("50000").await;
    let run = t.run().await;
    t.app.compute_pay_run(&t.hr(), t.a, run).await.unwrap();
    // The leader may not submit, HR may not approve.
    assert!(matches!(
        t.app.submit_pay_run(&t.leader(), t.a, run).await,
        Err(AppError::Forbidden)
    ));
    t.app.submit_pay_run(&t.hr(), t.a, run).await.unwrap();
    assert!(matches!(
        t.app.approve_pay_run(&t.hr(), t.a, run).await,
        Err(AppError::Forbidden)
    ));
    // Submitted: the lines are frozen.
    let e = t
        .app
        .save_pay_line(&t.hr(), t.a, run, &line(t.people[4], "basic", ""))
        .await
        .unwrap_err();
    assert_eq!(codes(e)[0].1, "plan_status_invalid");
    // Rejected with a reason, reopened, computed and submitted again, approved, applied.
    let e = t
        .app
        .step_plan(&t.leader(), t.a, run, SimpleStep::Reject(""))
        .await
        .unwrap_err();
    assert_eq!(codes(e), [("reason".into(), "required".into())]);
    t.app
        .step_plan(&t.leader(), t.a, run, SimpleStep::Reject("丁的等次有误"))
        .await
        .unwrap();
    let v = t.app.pay_run(&t.hr(), t.a, run).await.unwrap();
    assert_eq!(
        (v.run.status, v.run.reason.as_str()),
        (Status::Rejected, "丁的等次有误")
    );
    t.app
        .step_plan(&t.hr(), t.a, run, SimpleStep::Reopen)
        .await
        .unwrap();
    t.app.submit_pay_run(&t.hr(), t.a, run).await.unwrap();
    // Applying before approval is refused.
    let e = t.app.apply_pay_run(&t.hr(), t.a, run).await.unwrap_err();
    assert_eq!(codes(e)[0].1, "plan_status_invalid");
    t.app.approve_pay_run(&t.leader(), t.a, run).await.unwrap();
    t.app.apply_pay_run(&t.hr(), t.a, run).await.unwrap();
    let v = t.app.pay_run(&t.hr(), t.a, run).await.unwrap();
    assert_eq!(v.run.status, Status::Applied);
    let last = t
        .store
        .with_state(|s| s.platform.audit.last().map(|a| a.action.clone()))
        .unwrap();
    assert_eq!(last.as_deref(), Some("pay.run.apply"));
    let e = t.app.compute_pay_run(&t.hr(), t.a, run).await.unwrap_err();
    assert_eq!(codes(e)[0].1, "plan_status_invalid");
}

#[tokio::test]
async fn other_units_see_nothing() {
    let t = setup();
    t.pool("50000").await;
    let run = t.run().await;
    let hr_b = actor(t.d, Some(t.b), Role::UnitAdmin);
    assert!(matches!(
        t.app.pay_run(&hr_b, t.a, run).await,
        Err(AppError::NotFound)
    ));
    // Its own unit id with another unit's run: not found.
    assert!(matches!(
        t.app.pay_run(&hr_b, t.b, run).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        t.app.compute_pay_run(&hr_b, t.b, run).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        t.app.pay_report(&hr_b, 2019).await,
        Err(AppError::Forbidden)
    ));
    let other_district = actor(DistrictId(999), None, Role::DistrictAdmin);
    assert!(t.app.pay_run(&other_district, t.a, run).await.is_err());
}

#[tokio::test]
async fn district_report_compares_units_by_grade() {
    let t = setup();
    t.pool("50000").await;
    let run = t.run().await;
    t.app.compute_pay_run(&t.hr(), t.a, run).await.unwrap();
    let r = t.app.pay_report(&t.district(), 2019).await.unwrap();
    assert_eq!(r.units.len(), 1);
    assert_eq!(r.units[0].unit_name, "骆驼街道");
    assert_eq!(r.units[0].spread.total, Money(5_000_000));
    let idx: Vec<(Grade, String)> = r
        .grade_index
        .iter()
        .map(|(g, x)| (*g, x.to_string()))
        .collect();
    // 称职 mean (13,948.50 + 10,729.61) / 2 = 12,339.06 (half-up); 优秀 16,738.20 / that.
    assert_eq!(idx[0], (Grade::Excellent, "1.36".into()));
    assert_eq!(idx[1], (Grade::Competent, "1".into()));
    assert_eq!(idx[3], (Grade::Incompetent, "0".into()));
}

/// Benchmark, not a test: the district report over 2,000 units of 50 people (100,000
/// shares). `cargo test -p jiguan-app bench_district_report -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_district_report_2000_units() {
    use crate::pay::{PoolRecord, ShareRow, district_report};
    use jiguan_domain::pay::PoolBasis;
    let at = chrono::Utc::now();
    let pools: Vec<PoolRecord> = (1..=2000)
        .map(|i| PoolRecord {
            unit_id: UnitId(i),
            unit_name: format!("单位{i}"),
            year: 2019,
            basis: PoolBasis::Fixed {
                amount: Money(60_000_000),
            },
            amount: Money(60_000_000),
            set_by: "bench".into(),
            set_at: at,
        })
        .collect();
    let rows: Vec<ShareRow> = (1..=2000)
        .flat_map(|u| {
            (0..50).map(move |j| ShareRow {
                unit_id: UnitId(u),
                grade: Grade::ALL[(j % 7).min(3) as usize],
                share: Money(1_000_000 + j * 1_000 + u),
            })
        })
        .collect();
    let t0 = std::time::Instant::now();
    let r = district_report(2019, &pools, &rows);
    let took = t0.elapsed();
    assert_eq!(r.units.len(), 2000);
    println!("district report, 2,000 units, 100,000 shares: {took:?}");
}
