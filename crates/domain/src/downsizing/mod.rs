//! Downsizing plans (分流方案): the routes a person may take out of the agency, which
//! identities each route allows, the plan workflow, and the per-person and plan figures.
//!
//! Every figure goes through the rules code ([`crate::rules`]): early retirement
//! (公务员法 art. 93, [`early_retirement::early_retirement`]), 离岗退养 eligibility and the
//! months until the statutory retirement month ([`early_retirement::leave_post`]), and the
//! one-time compensation (劳动合同法 art. 47 or the district's 工龄一次性补偿 formula,
//! [`severance::severance`] with [`severance::policy_of`]).
//!
//! - [`figures`]: one line's figures and the plan totals.

pub mod figures;

use chrono::NaiveDate;

use crate::FieldError;
use crate::people::{Identity, Status};
use crate::rules::early_retirement::Staff;
use crate::rules::retirement::Category;

pub use figures::{Facts, Figures, Policy, Totals, line_figures, totals};

id_type! {
    /// A downsizing plan (分流方案); not the organisation module's
    /// [`crate::org::PlanId`].
    PlanId;
    /// One person's line of a downsizing plan.
    LineId;
    /// A labour contract signed under a plan (重新签订劳动合同).
    ContractId;
}

closed_lists!("downsizing/mod.toml");

/// The status of a plan: the one approval life cycle
/// ([`crate::workflow::DOWNSIZING_PLANS`]).
pub use crate::workflow::Status as PlanStatus;

impl Route {
    /// Whether the person leaves the agency's headcount: every route except a new labour
    /// contract (the person stays).
    pub fn cuts(self) -> bool {
        self != Route::NewContract
    }

    /// The person's status after the plan is applied; `None`: unchanged.
    pub fn new_status(self) -> Option<Status> {
        match self {
            Route::EarlyRetirement => Some(Status::Retired),
            Route::LeavePost | Route::Redeploy => Some(Status::Diverted),
            Route::Release => Some(Status::Left),
            Route::NewContract => None,
        }
    }
}

/// The routes a person of `identity` may take (decision, docs/modules/downsizing.md):
/// civil servants and institution cadres leave by redeployment, early retirement or
/// 离岗退养 (they hold establishment and have no labour contract to end); service workers
/// (工勤) may also take 离岗退养, release or a new contract; contract workers and
/// collective staff are redeployed, released or re-contracted; temporary workers and
/// enterprise hires are released or re-contracted (enterprise hires may also be
/// redeployed); seconded people (借用人员) go back to the lender (redeploy).
pub fn routes_for(identity: Identity) -> &'static [Route] {
    use Route as R;
    match identity {
        Identity::CivilServant | Identity::InstitutionCadre => {
            &[R::Redeploy, R::EarlyRetirement, R::LeavePost]
        }
        Identity::ServiceWorker => &[R::Redeploy, R::LeavePost, R::Release, R::NewContract],
        Identity::ContractWorker | Identity::CollectiveStaff | Identity::EnterpriseHire => {
            &[R::Redeploy, R::Release, R::NewContract]
        }
        Identity::Temporary => &[R::Release, R::NewContract],
        Identity::Seconded => &[R::Redeploy],
    }
}

/// The retirement category of a person (国务院关于渐进式延迟法定退休年龄的办法): men are
/// [`Category::Male`]; women who are civil servants or institution cadres hold management
/// or technical posts (原法定退休年龄五十五周岁, [`Category::FemaleCadre`]); every other
/// woman is a worker (原法定退休年龄五十周岁, [`Category::FemaleWorker`]).
pub fn category_of(male: bool, identity: Identity) -> Category {
    if male {
        Category::Male
    } else if matches!(
        identity,
        Identity::CivilServant | Identity::InstitutionCadre
    ) {
        Category::FemaleCadre
    } else {
        Category::FemaleWorker
    }
}

/// Whose early-retirement rules apply: 公务员法 art. 93 for civil servants, the institution
/// parameter for institution cadres; nobody else retires early under art. 93.
pub fn staff_of(identity: Identity) -> Option<Staff> {
    match identity {
        Identity::CivilServant => Some(Staff::CivilServant),
        Identity::InstitutionCadre => Some(Staff::Institution),
        _ => None,
    }
}

/// Longest texts, in characters.
pub const TITLE_MAX: usize = 80;
pub const NOTE_MAX: usize = 200;
pub const DOC_MAX: usize = 60;
/// Longest term of a new labour contract, in years.
pub const TERM_MAX: u32 = 10;

/// Parses a contract term in whole years (1 to [`TERM_MAX`]). Errors: `required`,
/// `number_invalid`, `out_of_range`.
pub fn parse_term(field: &str, s: &str) -> Result<u32, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let n: u32 = t
        .parse()
        .map_err(|_| FieldError::new(field, "number_invalid"))?;
    if n == 0 || n > TERM_MAX {
        return Err(FieldError::new(field, "out_of_range")
            .with("min", 1)
            .with("max", TERM_MAX));
    }
    Ok(n)
}

/// The last day of a contract of `years` starting on `start` (the day before the same date
/// `years` later).
/// A contract starting on 02-29 ends on 02-28 of a common year.
pub fn contract_end(start: NaiveDate, years: u32) -> Option<NaiveDate> {
    use chrono::Datelike;
    let y = start.year().checked_add(i32::try_from(years).ok()?)?;
    let anniversary = start
        .with_year(y)
        .or_else(|| NaiveDate::from_ymd_opt(y, 3, 1))?;
    anniversary.pred_opt()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn routes_cut_and_set_statuses() {
        assert!(!Route::NewContract.cuts());
        for r in Route::ALL.iter().filter(|r| **r != Route::NewContract) {
            assert!(r.cuts());
        }
        assert_eq!(Route::EarlyRetirement.new_status(), Some(Status::Retired));
        assert_eq!(Route::LeavePost.new_status(), Some(Status::Diverted));
        assert_eq!(Route::Redeploy.new_status(), Some(Status::Diverted));
        assert_eq!(Route::Release.new_status(), Some(Status::Left));
        assert_eq!(Route::NewContract.new_status(), None);
        assert_eq!(Route::parse("route", "离岗退养"), Ok(Route::LeavePost));
    }

    #[test]
    fn routes_by_identity() {
        assert!(!routes_for(Identity::CivilServant).contains(&Route::Release));
        assert!(!routes_for(Identity::CivilServant).contains(&Route::NewContract));
        assert!(routes_for(Identity::InstitutionCadre).contains(&Route::EarlyRetirement));
        assert!(routes_for(Identity::Temporary).contains(&Route::Release));
        assert!(!routes_for(Identity::Temporary).contains(&Route::EarlyRetirement));
        assert!(routes_for(Identity::EnterpriseHire).contains(&Route::NewContract));
        for i in Identity::ALL {
            assert!(!routes_for(*i).is_empty());
            // Early retirement only where art. 93 may apply.
            assert_eq!(
                routes_for(*i).contains(&Route::EarlyRetirement),
                staff_of(*i).is_some()
            );
        }
    }

    #[test]
    fn categories() {
        assert_eq!(category_of(true, Identity::Temporary), Category::Male);
        assert_eq!(
            category_of(false, Identity::CivilServant),
            Category::FemaleCadre
        );
        assert_eq!(
            category_of(false, Identity::InstitutionCadre),
            Category::FemaleCadre
        );
        assert_eq!(
            category_of(false, Identity::ServiceWorker),
            Category::FemaleWorker
        );
    }

    #[test]
    fn terms_and_contract_ends() {
        assert_eq!(parse_term("t", "3"), Ok(3));
        assert_eq!(
            parse_term("t", "0").map_err(|e| e.code),
            Err("out_of_range".into())
        );
        assert_eq!(
            parse_term("t", "x").map_err(|e| e.code),
            Err("number_invalid".into())
        );
        assert_eq!(
            parse_term("t", " ").map_err(|e| e.code),
            Err("required".into())
        );
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(contract_end(d(2027, 1, 1), 3), Some(d(2029, 12, 31)));
        assert_eq!(contract_end(d(2024, 2, 29), 1), Some(d(2025, 2, 28)));
    }
}
