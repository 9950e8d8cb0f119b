//! Demo two-way selection (双向择岗) for 骆驼街道 (unit code `luotuo`) after its
//! reorganisation: every general and service post offered with the seats its workload and
//! its body's establishment allow (about 40 posts), every person on post without a middle
//! post taking part (about 80 staff), a matched, approved and applied round with the few
//! people left unplaced routed; and a second round of the unit left open for choosing.
//!
//! Choices are deterministic: each person lists their current post first (when still
//! offered and they are eligible), then eligible posts of their own body, then of the
//! others, up to three; two people in three accept reassignment (服从调剂). People on
//! the unit's approved downsizing plan are excluded with that reason. Heads rank the
//! applicants of a few posts explicitly (the rest follow the tie-break order) and mark one
//! applicant 不接受.

use std::collections::BTreeMap;

use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::twoway::{
    RoundForm, RoundId, Route, candidates, eligibility, fit_offers, participants,
};

use super::PrefRow;
use crate::demo::system;
use crate::workflow::SimpleStep;
use crate::{App, AppResult};

/// The approval document number of the demo round.
pub const DOC_NO: &str = "骆党工委〔2026〕12号";

/// Seeds the demo rounds (only 骆驼街道 has posts).
pub async fn seed(app: &App, d: DistrictId) -> AppResult<()> {
    let Some(unit) = app.store.find_unit(d, "luotuo").await?.map(|u| u.id) else {
        return Ok(());
    };
    let hr = system(d, Some(unit), Role::UnitAdmin);
    let id = round(
        app,
        d,
        unit,
        "2026年机关工作人员双向选择",
        "2026-03-10",
        "2026-03-15",
    )
    .await?;
    choose_and_rank(app, d, unit, id).await?;
    let res = app.tw_match(&hr, unit, id).await?;
    let picks: Vec<i64> = res.proposals.iter().map(|(p, _)| *p).collect();
    if !picks.is_empty() {
        app.tw_confirm_adjust(&hr, unit, id, &picks).await?;
    }
    let left = app
        .tw_round_of(&hr, unit, id)
        .await?
        .result()
        .map(|r| r.unplaced())
        .unwrap_or_default();
    let routes = [
        Route::Training,
        Route::NextRound,
        Route::Redeploy,
        Route::Downsizing,
    ];
    for (i, p) in left.iter().enumerate() {
        let r = routes[i % routes.len()];
        app.tw_set_route(&hr, unit, id, *p, r.code()).await?;
    }
    app.tw_submit(&hr, unit, id).await?;
    let committee = system(d, Some(unit), Role::CommitteeMember);
    app.step_plan(&committee, unit, id, SimpleStep::Approve(DOC_NO))
        .await?;
    app.tw_apply(&hr, unit, id).await?;
    // A second round (补充双向选择) left open: staff choose on the phone page.
    round(
        app,
        d,
        unit,
        "2026年补充双向选择",
        "2026-09-10",
        "2026-09-15",
    )
    .await?;
    Ok(())
}

/// Creates a round offering every post that fits, and opens it.
async fn round(
    app: &App,
    d: DistrictId,
    unit: UnitId,
    title: &str,
    choose_by: &str,
    rank_by: &str,
) -> AppResult<RoundId> {
    let hr = system(d, Some(unit), Role::UnitAdmin);
    let l = app.posts_load(d, unit).await?;
    let standard = app.posts_params(d, Some(unit)).await?.standard;
    let est: BTreeMap<i64, i64> = l.bodies.iter().map(|(b, v)| (*b, v.2)).collect();
    let offers = fit_offers(&l.state, standard, &est);
    // People on the unit's approved downsizing plan leave: excluded, with the reason.
    let cands = candidates(&l.state);
    let mut exclusions: Vec<(i64, String)> = Vec::new();
    for p in app.store.down_plans(d, Some(unit)).await? {
        if p.status != jiguan_domain::workflow::Status::Approved {
            continue;
        }
        for line in app.store.down_lines(d, unit, p.id).await? {
            if cands.contains(&line.person_id) && !exclusions.iter().any(|e| e.0 == line.person_id)
            {
                exclusions.push((line.person_id, format!("列入分流方案《{}》", p.title)));
            }
        }
    }
    let form = RoundForm {
        title: title.into(),
        choose_by: choose_by.into(),
        rank_by: rank_by.into(),
        max_choices: "3".into(),
        mode: String::new(),
    };
    let id = app
        .tw_create_round(&hr, unit, &form, &offers, &exclusions)
        .await?;
    app.tw_open(&hr, unit, id).await?;
    Ok(id)
}

/// Everyone lists up to three eligible posts; heads rank a few posts.
async fn choose_and_rank(app: &App, d: DistrictId, unit: UnitId, id: RoundId) -> AppResult<()> {
    let hr = system(d, Some(unit), Role::UnitAdmin);
    choose(app, d, unit, id, |_| true).await?;
    rank_some(app, &hr, unit, id).await
}

/// The participants whose index passes `who` list up to three eligible posts.
async fn choose(
    app: &App,
    d: DistrictId,
    unit: UnitId,
    id: RoundId,
    who: impl Fn(usize) -> bool,
) -> AppResult<()> {
    let hr = system(d, Some(unit), Role::UnitAdmin);
    let round = app.tw_round_of(&hr, unit, id).await?;
    let l = app.posts_load(d, unit).await?;
    let people = participants(&l.state, &round.exclusions);
    let offered: Vec<i64> = round.offers.iter().map(|o| o.post_id).collect();
    let mut rows = Vec::new();
    for (i, p) in people.iter().enumerate() {
        if !who(i) {
            continue;
        }
        let body = l.people.iter().find(|x| x.id == *p).and_then(|x| x.body_id);
        let current: Vec<i64> = l
            .state
            .of_person(*p)
            .map(|a| a.post_id)
            .filter(|q| offered.contains(q))
            .collect();
        let same: Vec<i64> = offered
            .iter()
            .copied()
            .filter(|q| l.state.posts.get(q).map(|x| x.body_id) == body)
            .collect();
        let mut order: Vec<i64> = current;
        order.extend(same);
        // Others, starting at a point that depends on the person (a spread of choices).
        let n = offered.len().max(1);
        order.extend((0..n).map(|k| offered[(k + i * 7) % n]));
        let mut list: Vec<String> = Vec::new();
        for q in order {
            if list.len() == 3 {
                break;
            }
            if !list.contains(&q.to_string()) && eligibility(&l.state, *p, q).is_empty() {
                list.push(q.to_string());
            }
        }
        rows.push(PrefRow {
            person: p.to_string(),
            prefs: list,
            accept_adjust: i % 3 != 2,
        });
    }
    app.tw_import_prefs(&hr, unit, id, &rows).await?;
    Ok(())
}

/// Heads rank the first few posts (through the office account).
async fn rank_some(
    app: &App,
    hr: &jiguan_domain::auth::Actor,
    unit: UnitId,
    id: RoundId,
) -> AppResult<()> {
    // Heads rank the first few posts explicitly, the last applicant of the first post is
    // marked 不接受.
    let v = app.tw_view(hr, unit, id).await?;
    for (k, (post, apps)) in v.applicants.iter().take(5).enumerate() {
        let n = apps.len();
        let order: Vec<(i64, String)> = apps
            .iter()
            .rev()
            .enumerate()
            .map(|(i, a)| {
                let v = if k == 0 && i == 0 && n > 1 {
                    "x".to_string()
                } else {
                    (i + 1).to_string()
                };
                (*a, v)
            })
            .collect();
        // Positions must be 1..=n with none skipped only for the ranked ones: renumber.
        let mut next = 0;
        let order: Vec<(i64, String)> = order
            .into_iter()
            .map(|(a, v)| {
                if v == "x" {
                    (a, v)
                } else {
                    next += 1;
                    (a, next.to_string())
                }
            })
            .collect();
        app.tw_save_ranking(hr, unit, id, *post, &order).await?;
    }
    Ok(())
}

/// Makes 骆驼街道's open round walkable by the browser tests (not part of [`seed`], so the
/// demo's open round stays untouched for the staff's own choosing): the head account
/// `luotuo_head` is linked to the chief (a middle-post holder) of the body with the most
/// posts offered in the open round, whose body is recorded on the person (demo people
/// carry no body); and two in three participants have listed their choices (entered by
/// the office). Returns the open round, the head's body and its person.
pub async fn walk_ready(app: &App, d: DistrictId) -> AppResult<Option<(RoundId, i64, i64)>> {
    use jiguan_domain::audit::{AuditAction, ObjectKind};
    let Some(unit) = app.store.find_unit(d, "luotuo").await?.map(|u| u.id) else {
        return Ok(None);
    };
    let hr = system(d, Some(unit), Role::UnitAdmin);
    let Some(open) = app
        .tw_rounds(&hr, unit)
        .await?
        .into_iter()
        .find(|r| r.status == jiguan_domain::workflow::Status::Open)
    else {
        return Ok(None);
    };
    let l = app.posts_load(d, unit).await?;
    let mut per_body: BTreeMap<i64, usize> = BTreeMap::new();
    for o in &open.offers {
        if let Some(p) = l.state.posts.get(&o.post_id) {
            *per_body.entry(p.body_id).or_default() += 1;
        }
    }
    // Bodies by offered posts, most first; the first with a middle-post holder.
    let mut bodies: Vec<(usize, i64)> = per_body.into_iter().map(|(b, n)| (n, b)).collect();
    bodies.sort_unstable_by(|a, b| b.cmp(a));
    let chief = bodies.iter().find_map(|(_, b)| {
        l.state
            .assignments
            .iter()
            .find(|a| {
                l.state
                    .posts
                    .get(&a.post_id)
                    .is_some_and(|p| p.body_id == *b && p.level.is_middle())
            })
            .map(|a| (*b, a.person_id))
    });
    let Some((body, person)) = chief else {
        return Ok(None);
    };
    let Some(rec) = l.people.iter().find(|p| p.id == person) else {
        return Ok(None);
    };
    let mut form = crate::people::form_of(rec);
    form.body = body.to_string();
    app.update_person(
        &hr,
        unit,
        jiguan_domain::people::PersonId(person),
        &form,
        &crate::people::ChangeOpts::default(),
    )
    .await?;
    if let Some(u) = app.store.find_user_by_name("luotuo_head").await? {
        let audit = app
            .system_audit(d)
            .unit(Some(unit))
            .did(AuditAction::UserLinkPerson)
            .on(ObjectKind::User, u.id);
        app.store
            .set_user_person(
                d,
                u.id,
                Some(jiguan_domain::people::PersonId(person)),
                audit,
            )
            .await?;
    }
    choose(app, d, unit, open.id, |i| i % 3 != 1).await?;
    Ok(Some((open.id, body, person)))
}
