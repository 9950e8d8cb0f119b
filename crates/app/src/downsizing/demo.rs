//! Demo downsizing plans reproducing the seed: 骆驼街道 (100 agency staff) cuts 21 = 21 %,
//! approved but not applied (a user can apply it); the other five units applied plans with
//! 29 cuts in all, so the district shows 50 across six units.
//!
//! People are picked by computing their eligibility through the rules code (never by
//! assuming it): early retirement and 离岗退养 only for cadres the rules find eligible.

use jiguan_domain::auth::Role;
use jiguan_domain::downsizing::Route;
use jiguan_domain::downsizing::figures::line_figures;
use jiguan_domain::people::Identity;
use jiguan_domain::tenancy::DistrictId;

use super::{LineForm, facts_of};
use crate::demo::system;
use crate::people::{PeopleFilter, PersonRecord};
use crate::workflow::SimpleStep;
use crate::{App, AppResult};

/// Cuts per unit: (unit code, cuts, applied). 21 + 29 = 50.
pub const CUTS: [(&str, i64, bool); 6] = [
    ("luotuo", 21, false),
    ("zhaobaoshan", 7, true),
    ("jiaochuan", 6, true),
    ("zhuangshi", 6, true),
    ("jiulonghu", 5, true),
    ("xiepu", 5, true),
];
/// The district's total.
pub const TOTAL_CUT: i64 = 50;
/// The approval document number of the demo plans.
pub const DOC_NO: &str = "镇海编〔2026〕8号";

/// The proposals for a unit, in order of preference: (identity, route, at most).
fn proposals(full: bool) -> Vec<(Identity, Route, usize)> {
    use Identity as I;
    use Route as R;
    if full {
        vec![
            (I::Temporary, R::Release, 6),
            (I::EnterpriseHire, R::Release, 2),
            (I::EnterpriseHire, R::NewContract, 2),
            (I::CivilServant, R::EarlyRetirement, 2),
            (I::InstitutionCadre, R::EarlyRetirement, 1),
            (I::CivilServant, R::LeavePost, 2),
            (I::InstitutionCadre, R::LeavePost, 1),
            (I::CollectiveStaff, R::Redeploy, 3),
            (I::ServiceWorker, R::LeavePost, 1),
            (I::ServiceWorker, R::Redeploy, 2),
            (I::CollectiveStaff, R::Release, 2),
            (I::ContractWorker, R::Release, 8),
            (I::ContractWorker, R::Redeploy, 8),
        ]
    } else {
        vec![
            (I::Temporary, R::Release, 3),
            (I::EnterpriseHire, R::Release, 1),
            (I::EnterpriseHire, R::NewContract, 1),
            (I::CivilServant, R::EarlyRetirement, 1),
            (I::CollectiveStaff, R::Redeploy, 1),
            (I::ContractWorker, R::Release, 4),
            (I::ContractWorker, R::Redeploy, 4),
        ]
    }
}

/// Seeds the downsizing plans of the demo district (after the people and posts demos).
pub async fn seed(app: &App, district: DistrictId) -> AppResult<()> {
    let admin = system(district, None, Role::DistrictAdmin);
    for (code, cuts, applied) in CUTS {
        let unit = crate::demo::unit(app, district, code).await?;
        let ua = system(district, Some(unit.id), Role::UnitAdmin);
        let on = app.down_today();
        let plan = app
            .down_create_plan(
                &ua,
                unit.id,
                &format!("{}机关人员分流方案", unit.name),
                &on.to_string(),
            )
            .await?;
        let filter = PeopleFilter {
            unit_id: Some(unit.id),
            home_only: true,
            ..PeopleFilter::default()
        };
        let people: Vec<PersonRecord> = app.store.export_people(district, &filter).await?;
        let policy = app.down_policy(district, unit.id).await?;
        let mut taken = std::collections::BTreeSet::new();
        let mut cut = 0;
        for (identity, route, max) in proposals(code == "luotuo") {
            let mut n = 0;
            for p in people
                .iter()
                .filter(|p| p.identity == identity && !p.leader)
            {
                if taken.contains(&p.id) {
                    continue;
                }
                if n >= max || (route.cuts() && cut >= cuts) {
                    break;
                }
                let term = (route == Route::NewContract).then_some(3);
                let eligible =
                    line_figures(&facts_of(p), route, on, term, &policy).is_ok_and(|f| f.eligible);
                if !eligible {
                    continue;
                }
                let form = LineForm {
                    person: p.id.to_string(),
                    route: route.code().into(),
                    term_years: term.map(|t| t.to_string()).unwrap_or_default(),
                    note: String::new(),
                };
                app.down_save_line(&ua, unit.id, plan, &form).await?;
                taken.insert(p.id);
                n += 1;
                if route.cuts() {
                    cut += 1;
                }
            }
        }
        app.down_submit(&ua, unit.id, plan).await?;
        app.step_plan(&admin, unit.id, plan, SimpleStep::Approve(DOC_NO))
            .await?;
        if applied {
            app.down_apply(&ua, unit.id, plan).await?;
        }
    }
    Ok(())
}
