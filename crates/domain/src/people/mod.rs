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

coded_enum! {
    /// Staff identity (身份): the seed's "mixed identities".
    pub enum Identity: "people.identity." {
        /// 公务员 (国家行政干部).
        CivilServant = "civil_servant" ["公务员", "国家行政干部", "行政干部"],
        /// 事业干部.
        InstitutionCadre = "institution_cadre" ["事业干部", "事业人员"],
        /// 劳动合同制工人.
        ContractWorker = "contract_worker" ["劳动合同制工人", "合同制工人"],
        /// 集体人员.
        CollectiveStaff = "collective_staff" ["集体人员"],
        /// 借用人员 (from outside the district's units).
        Seconded = "seconded" ["借用人员"],
        /// 临时工.
        Temporary = "temporary" ["临时工"],
        /// 工勤人员.
        ServiceWorker = "service_worker" ["工勤人员"],
        /// 企业化管理的聘用人员.
        EnterpriseHire = "enterprise_hire" ["企业聘用人员", "企业化管理的聘用人员"],
    }
}

coded_enum! {
    /// Establishment kind held (编制类型).
    pub enum EstablishmentKind: "people.kind." {
        /// 行政编制.
        Administrative = "administrative" ["行政编制"],
        /// 事业编制.
        Institution = "institution" ["事业编制"],
        /// 工勤编制.
        Service = "service" ["工勤编制"],
        /// 编外: no establishment.
        None = "none" ["编外"],
    }
}

coded_enum! {
    /// A person's status (人员状态). `BorrowedIn` is never stored: it is how a person lent
    /// out by another unit shows at the host unit.
    pub enum Status: "people.status." {
        /// 在岗.
        OnPost = "on_post" ["在岗"],
        /// 借出 (at the home unit; the host unit sees 借入).
        LentOut = "lent_out" ["借出"],
        /// 借入 (at the host unit).
        BorrowedIn = "borrowed_in" ["借入"],
        /// 退休.
        Retired = "retired" ["退休"],
        /// 分流.
        Diverted = "diverted" ["分流"],
        /// 离职.
        Left = "left" ["离职"],
    }
}

coded_enum! {
    /// Funding source of a person's pay (经费来源).
    pub enum Funding: "people.funding." {
        /// 财政全额拨款.
        Full = "full" ["财政全额拨款", "全额拨款", "全额"],
        /// 财政差额拨款.
        Partial = "partial" ["财政差额拨款", "差额拨款", "差额"],
        /// 自收自支.
        SelfFunded = "self_funded" ["自收自支"],
    }
}

coded_enum! {
    /// What a dated history row records (人员变动).
    pub enum EventKind: "people.event." {
        /// 新进 (entered by hand or by import).
        Hire = "hire" ["新进"],
        /// 信息修改 (details or cost corrected).
        Update = "update" ["信息修改"],
        /// 调整 (body, post, identity or establishment kind changed).
        Move = "move" ["岗位调整"],
        /// 状态变更 (retired, diverted, left, back on post).
        Status = "status" ["状态变更"],
        /// 借出 (seconded to another unit of the district).
        Lend = "lend" ["借出"],
        /// 借用结束 (back from secondment).
        LendEnd = "lend_end" ["借用结束"],
        /// 调出 (transferred to another unit of the district).
        Transfer = "transfer" ["调动"],
    }
}

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
