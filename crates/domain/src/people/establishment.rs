//! Establishment (编制) arithmetic: approved counts by kind, occupancy, vacancies (空编) and
//! over-establishment (超编).
//!
//! Source: 地方各级人民政府机构设置和编制管理条例 (2007): art. 28 (establishment = approved
//! headcount and leadership post quotas), art. 15 (administrative bodies use administrative
//! establishment, public institutions institution establishment; never mixed or diverted),
//! art. 6 (actual staff must not exceed the establishment: 超编 is a violation, flagged and
//! refused unless an approved exception with a document number is recorded).

use serde::Serialize;

use crate::FieldError;

use super::EstablishmentKind;

closed_lists!("people/establishment.toml");

impl QuotaKind {
    /// The establishment kind a quota counts (`None` for leadership posts).
    pub fn establishment(self) -> Option<EstablishmentKind> {
        match self {
            QuotaKind::Administrative => Some(EstablishmentKind::Administrative),
            QuotaKind::Institution => Some(EstablishmentKind::Institution),
            QuotaKind::Service => Some(EstablishmentKind::Service),
            QuotaKind::Leadership => None,
        }
    }

    /// The quota that counts holders of `kind` (`None` for 编外).
    pub fn of(kind: EstablishmentKind) -> Option<QuotaKind> {
        match kind {
            EstablishmentKind::Administrative => Some(QuotaKind::Administrative),
            EstablishmentKind::Institution => Some(QuotaKind::Institution),
            EstablishmentKind::Service => Some(QuotaKind::Service),
            EstablishmentKind::None => None,
        }
    }
}

/// Largest approved count accepted for one quota.
pub const QUOTA_MAX: i64 = 100_000;

/// Parses an approved count: a whole number 0–[`QUOTA_MAX`]; blank means "not set".
pub fn parse_quota(field: &str, s: &str) -> Result<Option<i64>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let n: i64 = t
        .parse()
        .map_err(|_| FieldError::new(field, "integer_invalid"))?;
    if !(0..=QUOTA_MAX).contains(&n) {
        return Err(FieldError::new(field, "out_of_range")
            .with("min", 0)
            .with("max", QUOTA_MAX));
    }
    Ok(Some(n))
}

/// Use of one quota: approved and occupied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KindUse {
    pub kind: QuotaKind,
    pub approved: i64,
    pub occupied: i64,
}

impl KindUse {
    /// 空编: approved slots nobody holds.
    pub fn vacancy(&self) -> i64 {
        (self.approved - self.occupied).max(0)
    }

    /// 超编: holders beyond the approved count.
    pub fn over(&self) -> i64 {
        (self.occupied - self.approved).max(0)
    }

    /// Whether `adding` more holders still fit.
    pub fn fits(&self, adding: i64) -> bool {
        self.occupied.saturating_add(adding) <= self.approved
    }

    /// Refuses `adding` holders that would exceed the quota: the error names the kind, the
    /// approved count, the holders now and after (`establishment_over`).
    pub fn check(&self, field: &str, scope: &str, adding: i64) -> Result<(), FieldError> {
        if adding <= 0 || self.fits(adding) {
            return Ok(());
        }
        Err(FieldError::new(field, "establishment_over")
            .with("scope", scope)
            .with("kind", self.kind.zh())
            .with("approved", self.approved)
            .with("occupied", self.occupied)
            .with("after", self.occupied.saturating_add(adding)))
    }
}

/// The establishment kinds a body of kind `body_kind` may use (art. 15). Codes follow the
/// organisation module's `BodyKind`: offices (办) and institutes (所) are administrative
/// bodies, centres (中心) and public institutions (事业单位/站所) are public institutions;
/// either may hold service-worker slots; enterprise-managed units hold none. 编外 staff may
/// work anywhere. `None` for an unknown kind (no restriction can be applied).
pub fn allowed_in_body(body_kind: &str) -> Option<&'static [EstablishmentKind]> {
    use EstablishmentKind as K;
    match body_kind {
        "office" | "institute" => Some(&[K::Administrative, K::Service, K::None]),
        "centre" | "center" | "public_institution" => Some(&[K::Institution, K::Service, K::None]),
        "enterprise_unit" => Some(&[K::None]),
        _ => None,
    }
}

/// Whether a person holding `kind` may be placed in a body of `body_kind`.
pub fn body_allows(body_kind: &str, kind: EstablishmentKind) -> bool {
    allowed_in_body(body_kind).is_none_or(|k| k.contains(&kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vacancy_and_over() {
        let u = KindUse {
            kind: QuotaKind::Administrative,
            approved: 36,
            occupied: 38,
        };
        assert_eq!((u.vacancy(), u.over()), (0, 2));
        let e = u.check("establishment", "骆驼街道", 1).err();
        assert_eq!(
            e.map(|e| (e.code, e.args)),
            Some((
                "establishment_over".to_string(),
                vec![
                    ("scope".to_string(), "骆驼街道".to_string()),
                    ("kind".to_string(), "行政编制".to_string()),
                    ("approved".to_string(), "36".to_string()),
                    ("occupied".to_string(), "38".to_string()),
                    ("after".to_string(), "39".to_string()),
                ]
            ))
        );
        let v = KindUse {
            kind: QuotaKind::Institution,
            approved: 30,
            occupied: 29,
        };
        assert!(v.check("x", "", 1).is_ok());
        assert!(v.check("x", "", 2).is_err());
        assert!(v.check("x", "", 0).is_ok());
    }

    #[test]
    fn bodies_never_mix_administrative_and_institution() {
        use EstablishmentKind as K;
        assert!(body_allows("office", K::Administrative));
        assert!(!body_allows("office", K::Institution));
        assert!(!body_allows("centre", K::Administrative));
        assert!(body_allows("public_institution", K::Institution));
        assert!(!body_allows("enterprise_unit", K::Service));
        assert!(body_allows("enterprise_unit", K::None));
        assert!(body_allows("unknown", K::Administrative));
        for k in [
            "office",
            "institute",
            "centre",
            "public_institution",
            "enterprise_unit",
        ] {
            let a = allowed_in_body(k).unwrap_or(&[]);
            assert!(!(a.contains(&K::Administrative) && a.contains(&K::Institution)));
        }
    }

    #[test]
    fn quota_parse() {
        assert_eq!(parse_quota("q", " 12 "), Ok(Some(12)));
        assert_eq!(parse_quota("q", ""), Ok(None));
        assert!(parse_quota("q", "-1").is_err());
        assert!(parse_quota("q", "1.5").is_err());
    }

    proptest! {
        #[test]
        fn vacancy_minus_over_is_the_difference(a in 0i64..10_000, o in 0i64..10_000) {
            let u = KindUse { kind: QuotaKind::Service, approved: a, occupied: o };
            prop_assert_eq!(u.vacancy() - u.over(), a - o);
            prop_assert!(u.vacancy() == 0 || u.over() == 0);
            prop_assert_eq!(u.fits(1), u.vacancy() >= 1);
        }
    }
}
