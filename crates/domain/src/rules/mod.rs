//! Policy rules (政策规则): pure functions, each citing its source (../shared/domain/RULES.md).
//!
//! - [`retirement`]: statutory retirement age (2024 reform), [`retirement::YearMonth`].
//! - [`early_retirement`]: 公务员法 art. 93 and 离岗退养.
//! - [`severance`]: 劳动合同法 arts. 47, 87, 97; 实施条例 arts. 25, 27; local 工龄一次性补偿.
//! - [`calendar`]: working days with the official schedules.
//! - [`id_number`]: GB 11643 resident ID numbers.
//! - [`selection`]: interview, composite, evaluation, shortlist, committee, publicity.
//! - [`appraisal`]: the excellent quota.
//! - [`allocation`]: a pool shared by weights to the fen; [`pay_pool`]: a unit's
//!   performance-pay pool split by grade, post and months (PAY-5, PAY-6).
//! - [`matching`]: two-way selection (双向择岗): staff-optimal stable matching and 志愿 rounds.
//! - [`params`]: the parameter values in force; [`calc`]: the one facade for CLI, API and web.

pub mod allocation;
pub mod appraisal;
pub mod calc;
pub mod calendar;
pub mod early_retirement;
pub mod id_number;
pub mod matching;
pub mod params;
pub mod pay_pool;
pub mod retirement;
pub mod selection;
pub mod severance;

pub use calc::{CalcKind, CalcOutput, Step, run};
pub use calendar::Calendar;
pub use params::Params;

use crate::settings::{ParamDef, ParamKind, ParamScope};

/// The keys of [`PARAMS`], for typed use in code.
pub mod keys {
    pub const LEAVE_POST_YEARS_BEFORE: &str = "retirement.leave_post_years_before";
    pub const INSTITUTION_FOLLOWS_CIVIL_SERVANT: &str =
        "early_retirement.institution_follows_civil_servant";
    pub const SEVERANCE_CAP_MULTIPLE: &str = "severance.cap_multiple";
    pub const SEVERANCE_CAP_YEARS: &str = "severance.cap_years";
    pub const SEVERANCE_FORMULA: &str = "severance.formula";
    pub const SEVERANCE_LOCAL_MONTHS_PER_YEAR: &str = "severance.local_months_per_year";
    pub const SEVERANCE_LOCAL_PARTIAL_YEAR: &str = "severance.local_partial_year";
    pub const SEVERANCE_LOCAL_BASE: &str = "severance.local_base";
    pub const SEVERANCE_LOCAL_APPLY_CAP: &str = "severance.local_apply_cap";
    pub const INTERVIEW_TRIM_THRESHOLD: &str = "selection.interview_trim_threshold";
    pub const EVALUATION_MIN_APPROVAL_PCT: &str = "selection.evaluation_min_approval_pct";
    pub const SHORTLIST_EXTRA_PER_POST: &str = "selection.shortlist_extra_per_post";
    pub const PUBLICITY_WORKDAYS: &str = "selection.publicity_workdays";
    pub const EXAM_BEFORE_EVALUATION: &str = "selection.exam_before_evaluation";
    pub const EXCELLENT_RATE_PCT: &str = "appraisal.excellent_rate_pct";
    pub const STANDARD_ANNUAL_HOURS: &str = "posts.standard_annual_hours";
    pub const STAFFING_TOLERANCE_PCT: &str = "posts.staffing_tolerance_pct";
    pub const OVERLOAD_FTE: &str = "posts.overload_fte";
    pub const UNDERLOAD_FTE: &str = "posts.underload_fte";
    pub const LOCAL_AVERAGE_MONTHLY_WAGE: &str = "downsizing.local_average_monthly_wage";
    pub const LEAVE_POST_PAY_PCT: &str = "downsizing.leave_post_pay_pct";
    pub const APPRAISAL_NEW_STAFF_MONTHS: &str = "appraisal.new_staff_months";
    pub const APPRAISAL_PERIODIC_WEIGHT_PCT: &str = "appraisal.periodic_weight_pct";
    pub const APPRAISAL_PUBLICITY_WORKDAYS: &str = "appraisal.publicity_workdays";
    pub const PROBATION_TWO_THIRDS_RULE: &str = "selection.probation_two_thirds_rule";
}

/// The policy parameters the rules use, in display order. Defaults are the national values.
pub const PARAMS: &[ParamDef] = &[
    ParamDef {
        key: keys::LEAVE_POST_YEARS_BEFORE,
        kind: ParamKind::Integer { min: 1, max: 10 },
        default: "5",
        scope: ParamScope::District,
        source: "local policy parameter (离岗退养 has no national rule; default: within 5 years \
                 of the statutory retirement age)",
    },
    ParamDef {
        key: keys::INSTITUTION_FOLLOWS_CIVIL_SERVANT,
        kind: ParamKind::Bool,
        default: "true",
        scope: ParamScope::District,
        source: "公务员法 (2018) art. 93; public-institution staff follow it by default (local \
                 policy parameter)",
    },
    ParamDef {
        key: keys::SEVERANCE_CAP_MULTIPLE,
        kind: ParamKind::Decimal {
            min: 1,
            max: 10,
            scale: 2,
        },
        default: "3",
        scope: ParamScope::District,
        source: "劳动合同法 art. 47 para. 2 (3 × the local average monthly wage)",
    },
    ParamDef {
        key: keys::SEVERANCE_CAP_YEARS,
        kind: ParamKind::Integer { min: 1, max: 50 },
        default: "12",
        scope: ParamScope::District,
        source: "劳动合同法 art. 47 para. 2 (at most 12 years when the wage cap applies)",
    },
    ParamDef {
        key: keys::SEVERANCE_FORMULA,
        kind: ParamKind::Choice {
            options: &["art47", "local"],
        },
        default: "art47",
        scope: ParamScope::District,
        source: "劳动合同法 art. 47 (preset); 工龄一次性补偿 is a local policy parameter",
    },
    ParamDef {
        key: keys::SEVERANCE_LOCAL_MONTHS_PER_YEAR,
        kind: ParamKind::Decimal {
            min: 0,
            max: 12,
            scale: 2,
        },
        default: "1",
        scope: ParamScope::District,
        source: "local policy parameter (工龄一次性补偿: months of base per year of service)",
    },
    ParamDef {
        key: keys::SEVERANCE_LOCAL_PARTIAL_YEAR,
        kind: ParamKind::Choice {
            options: severance::PartialYear::CODES,
        },
        default: "art47",
        scope: ParamScope::District,
        source: "local policy parameter (工龄一次性补偿: how a partial year counts; art47 = \
                 劳动合同法 art. 47)",
    },
    ParamDef {
        key: keys::SEVERANCE_LOCAL_BASE,
        kind: ParamKind::Choice {
            options: severance::LocalBase::CODES,
        },
        default: "wage",
        scope: ParamScope::District,
        source: "local policy parameter (工龄一次性补偿: the base, the person's monthly wage or \
                 the local average monthly wage)",
    },
    ParamDef {
        key: keys::SEVERANCE_LOCAL_APPLY_CAP,
        kind: ParamKind::Bool,
        default: "true",
        scope: ParamScope::District,
        source: "local policy parameter (工龄一次性补偿: apply the 劳动合同法 art. 47 high-wage \
                 cap)",
    },
    ParamDef {
        key: keys::INTERVIEW_TRIM_THRESHOLD,
        kind: ParamKind::Integer { min: 2, max: 50 },
        default: "5",
        scope: ParamScope::District,
        source: "local policy parameter (interview: with more judges than this, drop one \
                 highest and one lowest score)",
    },
    ParamDef {
        key: keys::EVALUATION_MIN_APPROVAL_PCT,
        kind: ParamKind::Decimal {
            min: 0,
            max: 100,
            scale: 2,
        },
        default: "50",
        scope: ParamScope::District,
        source: "local policy parameter (民主测评: approval (优秀 + 称职) at or below this \
                 percentage disqualifies)",
    },
    ParamDef {
        key: keys::SHORTLIST_EXTRA_PER_POST,
        kind: ParamKind::Integer { min: 1, max: 5 },
        default: "1",
        scope: ParamScope::District,
        source: "党政领导干部选拔任用工作条例 (差额考察); extra candidates per post: local policy \
                 parameter",
    },
    ParamDef {
        key: keys::PUBLICITY_WORKDAYS,
        kind: ParamKind::Integer { min: 5, max: 30 },
        default: "5",
        scope: ParamScope::District,
        source: "党政领导干部选拔任用工作条例 (任前公示: 公示期不少于五个工作日)",
    },
    ParamDef {
        key: keys::EXAM_BEFORE_EVALUATION,
        kind: ParamKind::Bool,
        default: "true",
        scope: ParamScope::District,
        source: "党政机关竞争上岗工作暂行规定 (2004) art. 6; the order of exam and evaluation is a \
                 local policy parameter",
    },
    ParamDef {
        key: keys::EXCELLENT_RATE_PCT,
        kind: ParamKind::Decimal {
            min: 0,
            max: 25,
            scale: 2,
        },
        default: "20",
        scope: ParamScope::Unit,
        source: "公务员考核规定 (优秀 generally ≤ 20 % of those appraised, up to 25 % with \
                 approval)",
    },
    ParamDef {
        key: keys::STANDARD_ANNUAL_HOURS,
        kind: ParamKind::Integer {
            min: 1000,
            max: 2500,
        },
        default: "1984",
        scope: ParamScope::District,
        source: "standard annual hours of one full-time person: 365 days − 104 weekend days − 13 \
                 public holidays (全国年节及纪念日放假办法, 2024) = 248 working days × 8 hours, \
                 counted as in 劳社部发〔2008〕3号 (local policy parameter)",
    },
    ParamDef {
        key: keys::STAFFING_TOLERANCE_PCT,
        kind: ParamKind::Decimal {
            min: 0,
            max: 100,
            scale: 2,
        },
        default: "15",
        scope: ParamScope::District,
        source: "local policy parameter (因岗定编: a body is overstaffed, 人浮于事, when its staff \
                 exceed the FTE need by more than this percentage, and understaffed, 有事无人干, \
                 when they fall short of it by more)",
    },
    ParamDef {
        key: keys::OVERLOAD_FTE,
        kind: ParamKind::Decimal {
            min: 1,
            max: 3,
            scale: 2,
        },
        default: "1.2",
        scope: ParamScope::District,
        source: "local policy parameter (苦乐不均: a person whose workload exceeds this many \
                 full-time equivalents is overloaded)",
    },
    ParamDef {
        key: keys::UNDERLOAD_FTE,
        kind: ParamKind::Decimal {
            min: 0,
            max: 1,
            scale: 2,
        },
        default: "0.7",
        scope: ParamScope::District,
        source: "local policy parameter (苦乐不均: a person whose workload is below this many \
                 full-time equivalents is underloaded)",
    },
    ParamDef {
        key: keys::LOCAL_AVERAGE_MONTHLY_WAGE,
        kind: ParamKind::Money {
            min: 1,
            max: 100_000,
        },
        default: "9000",
        scope: ParamScope::District,
        source: "劳动合同法 art. 47 para. 2: the city's published average monthly wage of the \
                 previous year (local figure; set it to your city's)",
    },
    ParamDef {
        key: keys::LEAVE_POST_PAY_PCT,
        kind: ParamKind::Decimal {
            min: 0,
            max: 100,
            scale: 2,
        },
        default: "80",
        scope: ParamScope::District,
        source: "local policy parameter (离岗退养: the share of the annual personnel cost still \
                 paid each month until the statutory retirement month)",
    },
    ParamDef {
        key: keys::APPRAISAL_NEW_STAFF_MONTHS,
        kind: ParamKind::Integer { min: 0, max: 24 },
        default: "12",
        scope: ParamScope::Unit,
        source: "公务员录用规定 (试用期一年); RULES-SELECTION-APPRAISAL APR-6: new staff within the \
                 probation are not graded (只写评语，不定等次)",
    },
    ParamDef {
        key: keys::APPRAISAL_PERIODIC_WEIGHT_PCT,
        kind: ParamKind::Decimal {
            min: 0,
            max: 100,
            scale: 2,
        },
        default: "30",
        scope: ParamScope::Unit,
        source: "公务员平时考核办法(试行) 2019 (平时考核 feeds the annual grade, APR-4); the weight \
                 is local practice",
    },
    ParamDef {
        key: keys::APPRAISAL_PUBLICITY_WORKDAYS,
        kind: ParamKind::Integer { min: 1, max: 30 },
        default: "5",
        scope: ParamScope::District,
        source: "公务员考核规定 2020 (优秀 list published in the agency, APR-13: \
                 excellent_publicity_days = 5 working days, to verify)",
    },
    ParamDef {
        key: keys::PROBATION_TWO_THIRDS_RULE,
        kind: ParamKind::Bool,
        default: "true",
        scope: ParamScope::District,
        source: "local rule (siping.gov.cn, RULES-SELECTION-APPRAISAL §1.11.3 [L]): 优秀+称职 at \
                 most 2/3 in the probation evaluation → the appointment is not confirmed",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_constant_is_registered() {
        for k in [
            keys::LEAVE_POST_YEARS_BEFORE,
            keys::INSTITUTION_FOLLOWS_CIVIL_SERVANT,
            keys::SEVERANCE_CAP_MULTIPLE,
            keys::SEVERANCE_CAP_YEARS,
            keys::SEVERANCE_FORMULA,
            keys::SEVERANCE_LOCAL_MONTHS_PER_YEAR,
            keys::SEVERANCE_LOCAL_PARTIAL_YEAR,
            keys::SEVERANCE_LOCAL_BASE,
            keys::SEVERANCE_LOCAL_APPLY_CAP,
            keys::INTERVIEW_TRIM_THRESHOLD,
            keys::EVALUATION_MIN_APPROVAL_PCT,
            keys::SHORTLIST_EXTRA_PER_POST,
            keys::PUBLICITY_WORKDAYS,
            keys::EXAM_BEFORE_EVALUATION,
            keys::EXCELLENT_RATE_PCT,
            keys::STANDARD_ANNUAL_HOURS,
            keys::STAFFING_TOLERANCE_PCT,
            keys::OVERLOAD_FTE,
            keys::UNDERLOAD_FTE,
            keys::LOCAL_AVERAGE_MONTHLY_WAGE,
            keys::LEAVE_POST_PAY_PCT,
            keys::APPRAISAL_NEW_STAFF_MONTHS,
            keys::APPRAISAL_PERIODIC_WEIGHT_PCT,
            keys::APPRAISAL_PUBLICITY_WORKDAYS,
            keys::PROBATION_TWO_THIRDS_RULE,
        ] {
            assert!(crate::settings::find(k).is_some(), "{k}");
        }
        assert_eq!(PARAMS.len(), 25);
    }
}
