//! The appraisal use cases against the in-memory [`FakeStore`](crate::fakes::FakeStore).
//! Workflow moves are not kept by the fake: tests set the cycle's status directly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use jiguan_domain::appraisal::cycle::CycleForm;
use jiguan_domain::appraisal::scores::Source;
use jiguan_domain::appraisal::{AppealId, CycleId, Grade, Ungraded};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::people::Identity;
use jiguan_domain::workflow::Status;

use super::*;
use crate::fakes::people::person;
use crate::fakes::{TwoUnits, actor, field_codes as codes};
use crate::{AppError, AppResult};

struct T {
    f: TwoUnits,
    hr: Actor,
}

impl std::ops::Deref for T {
    type Target = TwoUnits;
    fn deref(&self) -> &TwoUnits {
        &self.f
    }
}

/// District 镇海区 with 骆驼街道 (`n` civil servants on post since 2005, the last one
/// hired 2019-06-01) and another unit (`b`, 招宝山街道).
fn setup(n: usize) -> T {
    let f = TwoUnits::new("zhaobaoshan", "招宝山街道");
    f.state(|s| {
        for i in 0..n {
            let id = s.next_id();
            let mut p = person(id, f.d, f.a, &format!("人{i}"), Identity::CivilServant);
            if i + 1 == n {
                p.work_start = NaiveDate::from_ymd_opt(2019, 6, 1);
            }
            s.people.people.push(p);
        }
    });
    let hr = actor(f.d, Some(f.a), Role::UnitAdmin);
    T { f, hr }
}

impl T {
    /// The annual cycle of `year`, created by the HR office, and its participants.
    async fn cycle(&self, year: &str) -> (CycleId, Vec<ParticipantRecord>) {
        let id = self
            .app
            .apr_create_cycle(&self.hr, self.a, &annual(year))
            .await
            .unwrap();
        let ps = self
            .app
            .apr_participants(&self.hr, self.a, id)
            .await
            .unwrap();
        (id, ps)
    }

    async fn add_scores(
        &self,
        id: CycleId,
        rows: &[ScoreForm],
        source: Source,
    ) -> AppResult<usize> {
        self.app
            .apr_add_scores(&self.hr, self.a, id, rows, source)
            .await
    }

    async fn raise_quota(&self, id: CycleId, rate: &str, doc_no: &str) -> AppResult<()> {
        let f = QuotaForm {
            rate: rate.into(),
            doc_no: doc_no.into(),
        };
        self.app.apr_raise_quota(&self.hr, self.a, id, &f).await
    }

    async fn resolve(&self, id: CycleId, appeal: AppealId, decision: &str) -> AppResult<()> {
        let f = ResolveForm {
            decision: decision.into(),
            new_grade: String::new(),
        };
        self.app
            .apr_resolve_appeal(&self.hr, self.a, id, appeal, &f)
            .await
    }
}

fn annual(year: &str) -> CycleForm {
    CycleForm {
        title: format!("{year}年度考核"),
        kind: "annual".into(),
        year: year.into(),
        ..CycleForm::default()
    }
}

fn set_status(t: &T, id: CycleId, st: Status) {
    t.store
        .with_state(|s| {
            for c in s.appraisal.cycles.iter_mut().filter(|c| c.id == id) {
                c.status = st;
            }
        })
        .unwrap();
}

#[tokio::test]
async fn creates_a_cycle_from_the_roster_with_new_staff_not_graded() {
    let t = setup(4);
    let (id, ps) = t.cycle("2019").await;
    assert_eq!(ps.len(), 4);
    let ungraded: Vec<_> = ps.iter().filter_map(|p| p.ungraded).collect();
    assert_eq!(ungraded, vec![Ungraded::NewStaff]);
    assert_eq!(t.audits(), 1);
    // the same kind and year again is refused
    let e = t
        .app
        .apr_create_cycle(&t.hr, t.a, &annual("2019"))
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        vec![("year".into(), "appraisal_cycle_exists".into())]
    );
    // staff may not create; another unit's HR does not see it
    let staff = actor(t.d, Some(t.a), Role::Staff);
    assert!(matches!(
        t.app.apr_create_cycle(&staff, t.a, &annual("2020")).await,
        Err(AppError::Forbidden)
    ));
    let hr2 = actor(t.d, Some(t.b), Role::UnitAdmin);
    assert!(t.app.apr_cycle(&hr2, t.a, id).await.is_err());
    assert!(matches!(
        t.app.apr_cycle(&hr2, t.b, id).await,
        Err(AppError::NotFound)
    ));
    assert_eq!(t.audits(), 1);
}

#[tokio::test]
async fn facts_recompute_the_ungraded_reason() {
    let t = setup(3);
    let (id, ps) = t.cycle("2019").await;
    let p = ps[0].clone();
    let f = FactsForm {
        group: "staff".into(),
        leave_days: "200".into(),
        ..FactsForm::default()
    };
    t.app.apr_set_facts(&t.hr, t.a, id, p.id, &f).await.unwrap();
    let p2 = t.app.apr_participants(&t.hr, t.a, id).await.unwrap()[0].clone();
    assert_eq!(p2.ungraded, Some(Ungraded::LongLeave));
    let bad = FactsForm {
        group: String::new(),
        leave_days: "400".into(),
        ..FactsForm::default()
    };
    let e = t
        .app
        .apr_set_facts(&t.hr, t.a, id, p.id, &bad)
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        vec![
            ("leave_days".into(), "out_of_range".into()),
            ("group".into(), "required".into())
        ]
    );
    set_status(&t, id, Status::Scoring);
    let e = t
        .app
        .apr_set_facts(&t.hr, t.a, id, p.id, &f)
        .await
        .unwrap_err();
    assert_eq!(codes(e)[0].1, "plan_status_invalid");
}

fn overall(p: ParticipantId, kind: &str, rater: &str, v: &str) -> ScoreForm {
    ScoreForm {
        participant_id: p.to_string(),
        kind: kind.into(),
        rater: rater.into(),
        overall: v.into(),
        indicators: BTreeMap::new(),
    }
}

#[tokio::test]
async fn scores_codes_and_anonymous_ratings() {
    let t = setup(3);
    let (id, ps) = t.cycle("2019").await;
    let p0 = ps[0].id;
    // not yet scoring
    let e = t
        .add_scores(id, &[overall(p0, "head", "王科长", "80")], Source::Manual)
        .await
        .unwrap_err();
    assert_eq!(codes(e)[0].1, "plan_status_invalid");
    set_status(&t, id, Status::Scoring);
    // colleagues only through codes; every bad row named, nothing written
    let before = t.audits();
    let e = t
        .add_scores(
            id,
            &[
                overall(p0, "peers", "x", "80"),
                overall(p0, "head", "", "101"),
            ],
            Source::Import,
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        vec![
            ("rows[0].kind".into(), "appraisal_kind_by_code".into()),
            ("rows[1].rater".into(), "required".into()),
            ("rows[1].overall".into(), "out_of_range".into()),
        ]
    );
    assert_eq!(t.audits(), before);
    let mut ind = overall(p0, "领导班子", "李书记", "");
    ind.indicators = [
        ("德", "90"),
        ("能", "80"),
        ("勤", "100"),
        ("绩", "70"),
        ("廉", "100"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    t.add_scores(
        id,
        &[
            overall(p0, "head", "王科长", "80"),
            ind,
            overall(p0, "self", "本人", "90"),
        ],
        Source::Import,
    )
    .await
    .unwrap();
    // two colleagues rate with codes
    let cs = t.app.apr_issue_codes(&t.hr, t.a, id, "2").await.unwrap();
    assert_eq!(cs.len(), 2);
    let staff = actor(t.d, Some(t.a), Role::Staff);
    let mut v = BTreeMap::new();
    v.insert(p0.to_string(), "70".to_string());
    t.app.apr_rate(&staff, t.a, id, &cs[0], &v).await.unwrap();
    // a used code is refused, and so is an unknown one; lower case and no dashes are fine
    let e = t
        .app
        .apr_rate(&staff, t.a, id, &cs[0], &v)
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        vec![("code".into(), "appraisal_code_invalid".into())]
    );
    assert!(
        t.app
            .apr_rate(&staff, t.a, id, "NOPE-NOPE", &v)
            .await
            .is_err()
    );
    v.insert(p0.to_string(), "90".to_string());
    let lower = cs[1].replace('-', "").to_lowercase();
    t.app.apr_rate(&staff, t.a, id, &lower, &v).await.unwrap();
    assert_eq!(
        t.app.apr_code_progress(&t.hr, t.a, id).await.unwrap(),
        (2, 2)
    );
    // the ratings carry no rater and no code
    t.store
        .with_state(|s| {
            assert_eq!(s.appraisal.ratings.len(), 2);
            assert!(s.appraisal.ratings.iter().all(|r| r.key.len() == 32));
        })
        .unwrap();
    // self 90×10 + head 80×30 + peers 80×30 + leaders 83.5×30 = 900+2400+2400+2505 = 8205 → 82.05
    let g = t.app.apr_grading(&t.hr, t.a, id).await.unwrap();
    let row = g.rows.iter().find(|r| r.participant.id == p0).unwrap();
    assert_eq!(row.explained.score, Some(Decimal::new(8205, 2)));
    assert_eq!(row.proposed, Some(Grade::Competent));
    assert!(
        row.explained
            .lines
            .iter()
            .any(|l| l.rater.as_deref() == Some("王科长") && l.source == Source::Import)
    );
}

fn grade(p: ParticipantId, g: &str, reason: &str) -> GradeForm {
    GradeForm {
        participant_id: p.to_string(),
        grade: g.into(),
        reason: reason.into(),
    }
}

#[tokio::test]
async fn grading_enforces_the_quota_reasons_and_approval() {
    // 11 people, the last one new → 10 graded → 优秀 ≤ 2 (floor 20 %); 25 % → 2 too, so
    // use 13: 12 graded → 2, with 25 % approval → 3.
    let t = setup(13);
    let (id, ps) = t.cycle("2019").await;
    let graded: Vec<_> = ps
        .iter()
        .filter(|p| p.ungraded.is_none())
        .map(|p| p.id)
        .collect();
    let new = ps.iter().find(|p| p.ungraded.is_some()).unwrap().id;
    assert_eq!(graded.len(), 12);
    set_status(&t, id, Status::Grading);
    let g = t.app.apr_grading(&t.hr, t.a, id).await.unwrap();
    assert_eq!((g.quotas[0].base, g.quotas.last().unwrap().max), (12, 2));
    let three: Vec<_> = graded[..3].iter().map(|p| grade(*p, "优秀", "")).collect();
    let before = t.audits();
    let e = t
        .app
        .apr_save_grades(&t.hr, t.a, id, &three)
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        vec![("grades".into(), "appraisal_quota_exceeded".into())]
    );
    assert_eq!(t.audits(), before);
    t.app
        .apr_save_grades(&t.hr, t.a, id, &three[..2])
        .await
        .unwrap();
    // a third on its own is refused too (the saved two count)
    assert!(
        t.app
            .apr_save_grades(&t.hr, t.a, id, &three[2..])
            .await
            .is_err()
    );
    // reasons, the ungraded, and the warning cap
    let e = t
        .app
        .apr_save_grades(
            &t.hr,
            t.a,
            id,
            &[grade(graded[3], "基本称职", ""), grade(new, "称职", "")],
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        vec![
            ("rows[0].reason".into(), "appraisal_reason_required".into()),
            ("rows[1].grade".into(), "appraisal_ungraded".into())
        ]
    );
    // a raised quota needs a rate 20–25 and a 文号
    let e = t.raise_quota(id, "30", "").await.unwrap_err();
    assert_eq!(
        codes(e),
        vec![
            ("rate".into(), "out_of_range".into()),
            ("doc_no".into(), "required".into())
        ]
    );
    t.raise_quota(id, "25", "镇考〔2020〕1号").await.unwrap();
    t.app
        .apr_save_grades(&t.hr, t.a, id, &three[2..])
        .await
        .unwrap();
    let g = t.app.apr_grading(&t.hr, t.a, id).await.unwrap();
    let q = g.quotas.last().unwrap();
    assert_eq!(
        (q.max, q.excellent, q.approval.as_deref()),
        (3, 3, Some("镇考〔2020〕1号"))
    );
    // the committee cannot confirm before everyone graded is graded
    let committee = actor(t.d, Some(t.a), Role::CommitteeMember);
    let e = t
        .app
        .step_plan(
            &committee,
            t.a,
            id,
            crate::workflow::SimpleStep::Approve("会议纪要1号"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        vec![("grades".into(), "appraisal_grades_missing".into())]
    );
    // HR may not confirm
    assert!(matches!(
        t.app
            .step_plan(&t.hr, t.a, id, crate::workflow::SimpleStep::Approve("x"))
            .await,
        Err(AppError::Forbidden)
    ));
    let rest: Vec<_> = graded[3..].iter().map(|p| grade(*p, "称职", "")).collect();
    t.app.apr_save_grades(&t.hr, t.a, id, &rest).await.unwrap();
    // confirmed (set directly: the fake keeps no moves) → final grades for the pay module
    set_status(&t, id, Status::Confirmed);
    let f = t.app.final_grades(&t.hr, t.a, 2019).await.unwrap();
    assert_eq!(f.len(), 13);
    assert_eq!(
        f.iter()
            .filter(|x| x.grade == Some(Grade::Excellent))
            .count(),
        3
    );
    let n = f.iter().find(|x| x.ungraded.is_some()).unwrap();
    assert_eq!((n.grade, n.ungraded), (None, Some(Ungraded::NewStaff)));
    assert!(
        t.app
            .final_grades(&t.hr, t.a, 2018)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn history_shows_three_consecutive_excellent_and_appeals() {
    let t = setup(6);
    let mut ids = Vec::new();
    for y in ["2017", "2018", "2019"] {
        let (id, ps) = t.cycle(y).await;
        set_status(&t, id, Status::Grading);
        let p = ps[0].id;
        t.app
            .apr_save_grades(&t.hr, t.a, id, &[grade(p, "excellent", "")])
            .await
            .unwrap();
        set_status(&t, id, Status::Closed);
        ids.push(id);
    }
    let person = t.app.apr_participants(&t.hr, t.a, ids[0]).await.unwrap()[0].person_id;
    let h = t.app.apr_person_history(&t.hr, t.a, person).await.unwrap();
    assert_eq!(h.len(), 3);
    use jiguan_domain::appraisal::consequences::Effect;
    assert!(h[2].effects.contains(&Effect::ThirdClassMerit));
    assert!(!h[1].effects.contains(&Effect::ThirdClassMerit));
    assert!(h[0].effects.contains(&Effect::Commendation));
    // an appeal: filed within 30 days of the decision, resolved in writing
    t.store
        .with_state(|s| {
            for c in s.appraisal.cycles.iter_mut() {
                c.decided_at = Some(t.app.clock.now());
            }
        })
        .unwrap();
    let p = t.app.apr_participants(&t.hr, t.a, ids[2]).await.unwrap()[1].id;
    let late = AppealForm {
        participant_id: p.to_string(),
        filed_on: "2026-05-01".into(),
        reason: "评分有误".into(),
    };
    let e = t
        .app
        .apr_file_appeal(&t.hr, t.a, ids[2], &late)
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        vec![("filed_on".into(), "appraisal_appeal_late".into())]
    );
    let ok = AppealForm {
        filed_on: "2026-03-10".into(),
        ..late
    };
    let aid = t
        .app
        .apr_file_appeal(&t.hr, t.a, ids[2], &ok)
        .await
        .unwrap();
    let e = t
        .app
        .apr_resolve_appeal(&t.hr, t.a, ids[2], aid, &ResolveForm::default())
        .await
        .unwrap_err();
    assert_eq!(codes(e), vec![("decision".into(), "required".into())]);
    t.resolve(ids[2], aid, "维持原等次").await.unwrap();
    let a = t.app.apr_appeals(&t.hr, t.a, ids[2]).await.unwrap();
    assert_eq!(a[0].decision.as_deref(), Some("维持原等次"));
    let e = t.resolve(ids[2], aid, "x").await.unwrap_err();
    assert_eq!(
        codes(e),
        vec![("status".into(), "appraisal_appeal_resolved".into())]
    );
}
