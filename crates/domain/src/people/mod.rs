//! Establishment and people (编制与实名制): staff identities, establishment kinds, statuses,
//! the person record and its validation, establishment arithmetic (空编 / 超编), masking of
//! resident ID numbers and personnel cost (人头费用).
//!
//! Sources: 地方各级人民政府机构设置和编制管理条例 (2007) arts. 6, 15, 28 (RULES.md §7) and
//! GB 11643-1999 (RULES.md §8, [`crate::rules::id_number`]).
//!
//! - [`person`]: the person form and its parse, every field error named.
//! - [`establishment`]: quotas by kind, occupancy, vacancies and over-establishment, the
//!   body-kind rule of art. 15.
//! - [`mask`]: [`mask::MaskedId`], the default display of an ID number.
//! - [`cost`]: annual personnel cost per person, totals and the two-date comparison.
//! - [`template`]: the import template's columns (Chinese headers).
//! - [`relation`]: declared relations (亲属关系) of the kinship set (回避, §1.9.1).

pub mod cost;
pub mod establishment;
pub mod mask;
pub mod person;
pub mod relation;
pub mod relation_template;
pub mod template;

use chrono::NaiveDate;

use crate::FieldError;

pub use cost::Cost;
pub use establishment::{KindUse, QuotaKind};
pub use mask::MaskedId;
pub use person::{PersonForm, PersonInput};

id_type! {
    /// A person on a unit's roster (实名制).
    PersonId;
    /// A dated row of a person's history (人员变动).
    PersonEventId;
    /// An approved exception to over-establishment (超编例外).
    ExceptionId;
}

closed_lists!("people/mod.toml");

impl Status {
    /// Whether a person in this status holds (occupies) establishment at the home unit:
    /// on post or lent out (a seconded person keeps the home establishment, art. 6).
    pub fn occupies(self) -> bool {
        matches!(self, Status::OnPost | Status::LentOut)
    }

    /// Whether the person is on the active roster (on post, lent out, borrowed in).
    pub fn active(self) -> bool {
        matches!(self, Status::OnPost | Status::LentOut | Status::BorrowedIn)
    }

    /// The statuses a status change may set by hand (secondment has its own action).
    pub const SETTABLE: [Status; 4] = [
        Status::OnPost,
        Status::Retired,
        Status::Diverted,
        Status::Left,
    ];
}

impl Identity {
    /// The establishment kinds a person of this identity may hold (decision, documented in
    /// docs/modules/people.md): civil servants hold administrative establishment, public-
    /// institution cadres institution establishment (art. 15, never mixed); service workers
    /// and contract workers a service-worker slot or none; the other identities are always
    /// off-establishment (编外).
    pub fn allowed_kinds(self) -> &'static [EstablishmentKind] {
        use EstablishmentKind as K;
        match self {
            Identity::CivilServant => &[K::Administrative],
            Identity::InstitutionCadre => &[K::Institution],
            Identity::ServiceWorker | Identity::ContractWorker => &[K::Service, K::None],
            Identity::CollectiveStaff
            | Identity::Seconded
            | Identity::Temporary
            | Identity::EnterpriseHire => &[K::None],
        }
    }

    /// The usual kind for the identity (form default).
    pub fn default_kind(self) -> EstablishmentKind {
        self.allowed_kinds()
            .first()
            .copied()
            .unwrap_or(EstablishmentKind::None)
    }
}

/// Parses a date written `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD` or `YYYYMMDD`.
/// Errors: `required`, `date_invalid`.
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let bad = || FieldError::new(field, "date_invalid");
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(t, "%Y%m%d").map_err(|_| bad());
    }
    let norm: String = t
        .chars()
        .map(|c| if c == '/' || c == '.' { '-' } else { c })
        .collect();
    let mut parts = norm.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let num = |p: &str, max_len: usize| -> Option<u32> {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(y, 4), num(m, 2), num(d, 2)) else {
        return Err(bad());
    };
    if y < 1000 {
        return Err(bad());
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(bad)
}

/// [`parse_date`] for an optional field: blank is `None`.
pub fn parse_opt_date(field: &str, s: &str) -> Result<Option<NaiveDate>, FieldError> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(field, s).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_chinese_labels_parse() {
        assert_eq!(
            Identity::parse("identity", "事业干部"),
            Ok(Identity::InstitutionCadre)
        );
        assert_eq!(
            Identity::parse("identity", "civil_servant"),
            Ok(Identity::CivilServant)
        );
        assert_eq!(
            EstablishmentKind::parse("k", "编外"),
            Ok(EstablishmentKind::None)
        );
        assert_eq!(
            Identity::parse("identity", "外星人").map_err(|e| e.code),
            Err("choice_invalid".to_string())
        );
        assert_eq!(
            Identity::parse("identity", " ").map_err(|e| e.code),
            Err("required".to_string())
        );
        for i in Identity::ALL {
            assert_eq!(Identity::parse("i", i.zh()), Ok(*i));
            assert_eq!(Identity::from_code(i.code()), Some(*i));
        }
        assert_eq!(Identity::ALL.len(), 8);
    }

    #[test]
    fn identities_never_mix_administrative_and_institution() {
        use EstablishmentKind as K;
        assert_eq!(Identity::CivilServant.allowed_kinds(), &[K::Administrative]);
        assert_eq!(
            Identity::InstitutionCadre.allowed_kinds(),
            &[K::Institution]
        );
        for i in Identity::ALL {
            let k = i.allowed_kinds();
            assert!(!(k.contains(&K::Administrative) && k.contains(&K::Institution)));
        }
    }

    #[test]
    fn dates_in_several_spellings() {
        let d = NaiveDate::from_ymd_opt(1980, 3, 9);
        for s in [
            "1980-03-09",
            "1980/3/9",
            "1980.03.09",
            "19800309",
            " 1980-3-09 ",
        ] {
            assert_eq!(parse_date("d", s).ok(), d, "{s}");
        }
        for s in [
            "1980-02-30",
            "80-03-09",
            "1980-03",
            "abc",
            "1980-03-09-1",
            "0999-01-01",
        ] {
            assert_eq!(
                parse_date("d", s).map_err(|e| e.code),
                Err("date_invalid".to_string()),
                "{s}"
            );
        }
        assert_eq!(parse_opt_date("d", ""), Ok(None));
    }

    #[test]
    fn occupancy_by_status() {
        assert!(Status::OnPost.occupies() && Status::LentOut.occupies());
        assert!(!Status::BorrowedIn.occupies());
        assert!(!Status::Retired.occupies() && !Status::Left.occupies());
    }
}
