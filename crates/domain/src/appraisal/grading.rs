//! Grades: the proposed grade from score bands, the 优秀 quota per group and per unit
//! (APR-9 – APR-14), written reasons for 基本称职/不称职, and the sanction cap (APR-7).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::Grade;
use crate::FieldError;
use crate::rules::appraisal::{DEFAULT_RATE_PCT, MAX_RATE_PCT, max_excellent};

/// The default score bands (local practice [K]): 优秀 ≥ 90, 称职 ≥ 70, 基本称职 ≥ 60,
/// below 60 不称职.
pub const DEFAULT_BANDS: Bands = Bands {
    excellent: Decimal::from_parts(90, 0, 0, false, 0),
    competent: Decimal::from_parts(70, 0, 0, false, 0),
    basic: Decimal::from_parts(60, 0, 0, false, 0),
};

/// The lowest score of each grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bands {
    pub excellent: Decimal,
    pub competent: Decimal,
    pub basic: Decimal,
}

impl Bands {
    /// The proposed grade of a score (a proposal: the committee decides, APR-1).
    pub fn propose(&self, score: Decimal) -> Grade {
        if score >= self.excellent {
            Grade::Excellent
        } else if score >= self.competent {
            Grade::Competent
        } else if score >= self.basic {
            Grade::Basic
        } else {
            Grade::Incompetent
        }
    }
}

/// The quota arithmetic shown to the HR office (APR-14): participants, graded base, the
/// rate, the rounding (floor, APR-10), the approval if any, the maximum and the count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quota {
    /// The group's code ("" for the whole unit).
    pub group: String,
    pub participants: u32,
    /// Graded participants: the denominator (APR-11 `quota_base = graded_participants`).
    pub base: u32,
    pub rate_pct: Decimal,
    /// The approval 文号 that raised the rate above 20 %.
    pub approval: Option<String>,
    pub max: u32,
    pub excellent: u32,
}

impl Quota {
    pub fn exceeded(&self) -> bool {
        self.excellent > self.max
    }
}

/// The rate that applies: the unit's rate (`appraisal.excellent_rate_pct`, at most 20
/// without approval), up to 25 only with a recorded approval (APR-9).
pub fn rate(param_pct: Decimal, approved_pct: Option<Decimal>) -> Decimal {
    let base = param_pct.min(Decimal::from(DEFAULT_RATE_PCT));
    match approved_pct {
        Some(a) => a.clamp(base, Decimal::from(MAX_RATE_PCT)),
        None => base,
    }
}

/// One participant as the quota sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graded {
    pub group: String,
    /// `None`: not graded (不定等次), left out of the base.
    pub grade: Option<Grade>,
}

/// The quota of each group and of the whole unit (group ""), the unit's line last.
pub fn quotas(people: &[Graded], rate_pct: Decimal, approval: Option<&str>) -> Vec<Quota> {
    let mut groups: BTreeMap<&str, (u32, u32, u32)> = BTreeMap::new();
    let mut all = (0u32, 0u32, 0u32);
    for p in people {
        let g = groups.entry(p.group.as_str()).or_default();
        for t in [g, &mut all] {
            t.0 += 1;
            if let Some(grade) = p.grade {
                t.1 += 1;
                if grade == Grade::Excellent {
                    t.2 += 1;
                }
            }
        }
    }
    let make = |group: &str, (n, base, ex): (u32, u32, u32)| Quota {
        group: group.to_string(),
        participants: n,
        base,
        rate_pct: rate_pct.normalize(),
        approval: approval.map(String::from),
        max: max_excellent(base, rate_pct),
        excellent: ex,
    };
    let mut out: Vec<Quota> = Vec::new();
    if groups.len() > 1 || groups.keys().any(|k| !k.is_empty()) {
        out.extend(groups.into_iter().map(|(g, t)| make(g, t)));
    }
    out.push(make("", all));
    out
}

/// Refuses grades whose 优秀 count exceeds the quota of a group or of the unit (APR-14).
/// Error: `grades`/`appraisal_quota_exceeded` with `group`, `excellent`, `max`, `base`,
/// `rate`.
pub fn check_quotas(qs: &[Quota]) -> Result<(), FieldError> {
    match qs.iter().find(|q| q.exceeded()) {
        None => Ok(()),
        Some(q) => Err(FieldError::new("grades", "appraisal_quota_exceeded")
            .with("group", if q.group.is_empty() { "-" } else { &q.group })
            .with("excellent", q.excellent)
            .with("max", q.max)
            .with("base", q.base)
            .with("rate", q.rate_pct)),
    }
}

/// A grade as decided for one participant: the reason is required for 基本称职/不称职
/// (`reason`/`appraisal_reason_required`); a 警告 in the year bars 优秀 (APR-7,
/// `grade`/`appraisal_warning_cap`).
pub fn check_grade(
    field_prefix: &str,
    grade: Grade,
    reason: &str,
    warned: bool,
) -> Result<(), FieldError> {
    if grade.needs_reason() && reason.trim().is_empty() {
        return Err(FieldError::new(
            format!("{field_prefix}reason"),
            "appraisal_reason_required",
        ));
    }
    if warned && grade == Grade::Excellent {
        return Err(FieldError::new(
            format!("{field_prefix}grade"),
            "appraisal_warning_cap",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::test_util::dec;

    fn people(group: &str, graded: u32, excellent: u32, ungraded: u32) -> Vec<Graded> {
        let mut v = Vec::new();
        for i in 0..graded {
            v.push(Graded {
                group: group.into(),
                grade: Some(if i < excellent {
                    Grade::Excellent
                } else {
                    Grade::Competent
                }),
            });
        }
        for _ in 0..ungraded {
            v.push(Graded {
                group: group.into(),
                grade: None,
            });
        }
        v
    }

    #[test]
    fn bands_propose() {
        let b = DEFAULT_BANDS;
        assert_eq!(b.propose(dec("90")), Grade::Excellent);
        assert_eq!(b.propose(dec("89.99")), Grade::Competent);
        assert_eq!(b.propose(dec("70")), Grade::Competent);
        assert_eq!(b.propose(dec("60")), Grade::Basic);
        assert_eq!(b.propose(dec("59.99")), Grade::Incompetent);
    }

    #[test]
    fn quota_floor_tv_a1() {
        // TV-A1: 23 graded, floor 20 % → 4; a 5th is refused.
        let r = rate(dec("20"), None);
        let ok = quotas(&people("", 23, 4, 0), r, None);
        assert_eq!(ok.len(), 1);
        assert_eq!((ok[0].max, ok[0].excellent), (4, 4));
        assert!(check_quotas(&ok).is_ok());
        let over = quotas(&people("", 23, 5, 0), r, None);
        let e = check_quotas(&over).unwrap_err();
        assert_eq!(e.code, "appraisal_quota_exceeded");
        assert!(e.args.contains(&("max".into(), "4".into())));
        // ungraded people are out of the base (APR-11): 23 graded + 3 ungraded → still 4
        let q = quotas(&people("", 23, 4, 3), r, None);
        assert_eq!((q[0].participants, q[0].base, q[0].max), (26, 23, 4));
        // the vectors of APR-10
        for (n, want) in [(4, 0), (8, 1), (13, 2), (23, 4), (37, 7)] {
            assert_eq!(quotas(&people("", n, 0, 0), r, None)[0].max, want, "{n}");
        }
    }

    #[test]
    fn quota_25_only_with_approval() {
        // without approval a 25 % parameter is held at 20 %
        assert_eq!(rate(dec("25"), None), dec("20"));
        let r = rate(dec("20"), Some(dec("25")));
        assert_eq!(r, dec("25"));
        let q = quotas(&people("", 23, 5, 0), r, Some("镇考核〔2019〕3号"));
        assert!(check_quotas(&q).is_ok());
        assert_eq!(q[0].approval.as_deref(), Some("镇考核〔2019〕3号"));
        // even with approval never above 25 %
        assert_eq!(rate(dec("20"), Some(dec("40"))), dec("25"));
        let q = quotas(
            &people("", 23, 6, 0),
            rate(dec("20"), Some(dec("40"))),
            None,
        );
        assert!(check_quotas(&q).is_err());
        for (n, want) in [(4, 1), (8, 2), (13, 3), (23, 5), (37, 9)] {
            assert_eq!(quotas(&people("", n, 0, 0), r, None)[0].max, want, "{n}");
        }
    }

    #[test]
    fn quota_per_group() {
        // staff 10 (max 2) with 2 优秀, leaders 4 (max 0) with 1 优秀: the unit's 14 would allow
        // 2 + 1 = 3 > max 2 → refused; and the leaders' group alone is over.
        let mut v = people("staff", 10, 2, 0);
        v.extend(people("leaders", 4, 1, 0));
        let q = quotas(&v, dec("20"), None);
        assert_eq!(q.len(), 3);
        assert_eq!(q.last().map(|x| x.group.as_str()), Some(""));
        let e = check_quotas(&q).unwrap_err();
        assert!(e.args.contains(&("group".into(), "leaders".into())));
        // groups within their quota but the unit over it: 5+5 graded with 1 优秀 each
        // (each max 1) → unit 10, max 2, count 2: fine
        let mut w = people("a", 5, 1, 0);
        w.extend(people("b", 5, 1, 0));
        assert!(check_quotas(&quotas(&w, dec("20"), None)).is_ok());
        // 6+6 with 1 each; unit 12 → max 2: fine; 7+8 with 1 each plus... unit check
        let mut u = people("a", 9, 1, 0);
        u.extend(people("b", 9, 1, 0));
        u.extend(people("c", 9, 1, 0));
        // each 9 → max 1; unit 27 → max 5: fine
        assert!(check_quotas(&quotas(&u, dec("20"), None)).is_ok());
    }

    #[test]
    fn reasons_and_caps() {
        assert!(check_grade("", Grade::Competent, "", false).is_ok());
        let e = check_grade("rows[3].", Grade::Basic, " ", false).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("rows[3].reason", "appraisal_reason_required")
        );
        assert!(check_grade("", Grade::Incompetent, "", false).is_err());
        assert!(check_grade("", Grade::Incompetent, "旷工", false).is_ok());
        let e = check_grade("", Grade::Excellent, "", true).unwrap_err();
        assert_eq!(e.code, "appraisal_warning_cap");
    }
}
