//! The person record (实名制): the form as entered and its validated input. Every invalid
//! field is reported at once, named by its field.
//!
//! Rules (RULES.md §8): the ID number must be valid (GB 11643, birth date not in the
//! future); the birth date and gender, when entered, must agree with it (left blank they are
//! taken from it). Dates of first employment and of joining the unit may not be in the
//! future nor before birth, and joining cannot precede first employment. The establishment
//! kind must fit the identity ([`Identity::allowed_kinds`]).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::error::{Errors, required_text};
use crate::money::Money;
use crate::rules::id_number::{Gender, IdNumber};

use super::{Cost, EstablishmentKind, Funding, Identity, parse_date, parse_opt_date};

/// The person form as entered (web form, JSON body or an import row): all text (see the
/// import template for the values accepted). `body` is a body id (forms, the API) or a
/// body name (imports); the app resolves it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PersonForm {
    pub name: String,
    pub gender: String,
    pub id_number: String,
    pub birth_date: String,
    pub ethnicity: String,
    pub party: String,
    pub education: String,
    pub work_start: String,
    pub unit_join: String,
    pub identity: String,
    pub establishment: String,
    /// Body id (a name in an import), or blank.
    pub body: String,
    pub post: String,
    pub rank: String,
    /// `true`/`false` (also 是/否).
    pub leader: String,
    pub leader_role: String,
    pub phone: String,
    pub funding: String,
    pub basic_pay: String,
    pub allowances: String,
    pub social_insurance: String,
    pub housing_fund: String,
    /// 试用期满日期 `YYYY-MM-DD` (a new recruit's probation end, 公务员法 art. 34); blank =
    /// none (an update without it clears it).
    pub probation_end: String,
}

/// A valid person record (without the body, which the app resolves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonInput {
    pub name: String,
    pub gender: Gender,
    pub id_number: IdNumber,
    pub birth_date: NaiveDate,
    pub ethnicity: String,
    pub party: String,
    pub education: String,
    pub work_start: Option<NaiveDate>,
    pub unit_join: Option<NaiveDate>,
    pub identity: Identity,
    pub establishment: EstablishmentKind,
    pub post: String,
    pub rank: String,
    pub leader: bool,
    pub leader_role: String,
    pub phone: String,
    pub funding: Funding,
    pub cost: Cost,
    /// 试用期满日期: the first day after a new recruit's probation.
    pub probation_end: Option<NaiveDate>,
}

/// Longest texts, in characters.
pub const NAME_MAX: usize = 40;
pub const SHORT_MAX: usize = 20;
pub const POST_MAX: usize = 40;

/// Parses a gender: `male`/`男`, `female`/`女`.
pub fn parse_gender(field: &str, s: &str) -> Result<Gender, FieldError> {
    match s.trim() {
        "male" | "男" | "M" | "m" => Ok(Gender::Male),
        "female" | "女" | "F" | "f" => Ok(Gender::Female),
        "" => Err(FieldError::new(field, "required")),
        _ => Err(FieldError::new(field, "choice_invalid")),
    }
}

/// Parses a yes/no cell: `是`/`true`/`1`/`on`/`yes` or `否`/`false`/`0`/`no`/blank.
pub fn parse_flag(field: &str, s: &str) -> Result<bool, FieldError> {
    match s.trim() {
        "是" | "true" | "1" | "on" | "yes" | "Y" | "y" => Ok(true),
        "" | "否" | "false" | "0" | "off" | "no" | "N" | "n" => Ok(false),
        _ => Err(FieldError::new(field, "choice_invalid")),
    }
}

/// An optional text of at most `max` characters.
pub fn optional_text(field: &str, s: &str, max: usize) -> Result<String, FieldError> {
    let v = s.trim();
    if v.chars().count() > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    Ok(v.to_string())
}

/// An amount in yuan, blank = 0, not negative.
pub fn parse_amount(field: &str, s: &str) -> Result<Money, FieldError> {
    if s.trim().is_empty() {
        return Ok(Money::ZERO);
    }
    let m = Money::parse_yuan(field, s)?;
    if m.0 < 0 {
        return Err(FieldError::new(field, "must_not_be_negative"));
    }
    // A person's annual pay item above 100 million yuan is a typing error.
    if m.0 > 10_000_000_000 {
        return Err(FieldError::new(field, "too_large"));
    }
    Ok(m)
}

fn parse_phone(field: &str, s: &str) -> Result<String, FieldError> {
    let v = s.trim();
    let ok = v.chars().count() <= SHORT_MAX
        && v.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' ' | '(' | ')'));
    if ok {
        Ok(v.to_string())
    } else {
        Err(FieldError::new(field, "phone_invalid"))
    }
}

impl PersonInput {
    /// Validates a form; `today` bounds dates and the ID number's birth date.
    pub fn parse(f: &PersonForm, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let mut errs = Errors::new();
        let name = errs.take(required_text("name", &f.name, NAME_MAX));
        let id = errs.take(IdNumber::parse_field(
            "id_number",
            &f.id_number,
            Some(today),
        ));
        let gender = if f.gender.trim().is_empty() {
            id.as_ref().map(IdNumber::gender).ok_or(())
        } else {
            match parse_gender("gender", &f.gender) {
                Ok(g) => match &id {
                    Some(i) if i.gender() != g => {
                        errs.push(FieldError::new("gender", "gender_mismatch"));
                        Err(())
                    }
                    _ => Ok(g),
                },
                Err(e) => {
                    errs.push(e);
                    Err(())
                }
            }
        };
        let birth = if f.birth_date.trim().is_empty() {
            id.as_ref().map(IdNumber::birth).ok_or(())
        } else {
            match parse_date("birth_date", &f.birth_date) {
                Ok(d) => match &id {
                    Some(i) if i.birth() != d => {
                        errs.push(
                            FieldError::new("birth_date", "birth_mismatch")
                                .with("id_birth", i.birth()),
                        );
                        Err(())
                    }
                    _ => Ok(d),
                },
                Err(e) => {
                    errs.push(e);
                    Err(())
                }
            }
        };
        let ethnicity = errs.take(optional_text("ethnicity", &f.ethnicity, SHORT_MAX));
        let party = errs.take(optional_text("party", &f.party, SHORT_MAX));
        let education = errs.take(optional_text("education", &f.education, SHORT_MAX));
        let work_start = errs.take(parse_opt_date("work_start", &f.work_start));
        let unit_join = errs.take(parse_opt_date("unit_join", &f.unit_join));
        for (field, d) in [("work_start", work_start), ("unit_join", unit_join)] {
            if let Some(Some(d)) = d {
                if d > today {
                    errs.push(FieldError::new(field, "date_future"));
                } else if let Ok(b) = birth {
                    // Nobody starts work before the age of 14.
                    if b.checked_add_months(Months::new(14 * 12))
                        .is_none_or(|m| d < m)
                    {
                        errs.push(FieldError::new(field, "date_too_young"));
                    }
                }
            }
        }
        if let (Some(Some(w)), Some(Some(j))) = (work_start, unit_join)
            && j < w
        {
            errs.push(FieldError::new("unit_join", "join_before_work_start"));
        }
        let identity = errs.take(Identity::parse("identity", &f.identity));
        let establishment = errs.take(EstablishmentKind::parse("establishment", &f.establishment));
        if let (Some(i), Some(k)) = (identity, establishment)
            && !i.allowed_kinds().contains(&k)
        {
            errs.push(
                FieldError::new("establishment", "establishment_identity_mismatch")
                    .with("identity", i.zh())
                    .with("kind", k.zh()),
            );
        }
        let post = errs.take(optional_text("post", &f.post, POST_MAX));
        let rank = errs.take(optional_text("rank", &f.rank, SHORT_MAX));
        let leader = errs.take(parse_flag("leader", &f.leader));
        let leader_role = errs.take(optional_text("leader_role", &f.leader_role, SHORT_MAX));
        if leader == Some(false) && leader_role.as_ref().is_some_and(|r| !r.is_empty()) {
            errs.push(FieldError::new("leader_role", "leader_role_without_leader"));
        }
        let phone = errs.take(parse_phone("phone", &f.phone));
        let funding = if f.funding.trim().is_empty() {
            Some(Funding::Full)
        } else {
            errs.take(Funding::parse("funding", &f.funding))
        };
        let basic_pay = errs.take(parse_amount("basic_pay", &f.basic_pay));
        let allowances = errs.take(parse_amount("allowances", &f.allowances));
        let social_insurance = errs.take(parse_amount("social_insurance", &f.social_insurance));
        let housing_fund = errs.take(parse_amount("housing_fund", &f.housing_fund));
        let probation_end = errs.take(parse_opt_date("probation_end", &f.probation_end));
        // A probation starts with the work: it cannot end before the person started.
        if let (Some(Some(p)), Some(Some(w))) = (probation_end, work_start)
            && p <= w
        {
            errs.push(FieldError::new(
                "probation_end",
                "probation_before_work_start",
            ));
        }
        if !errs.is_empty() {
            return Err(errs.0);
        }
        // No error was recorded, so every value is there.
        let input = || {
            Some(PersonInput {
                name: name?,
                gender: gender.ok()?,
                id_number: id?,
                birth_date: birth.ok()?,
                ethnicity: ethnicity?,
                party: party?,
                education: education?,
                work_start: work_start?,
                unit_join: unit_join?,
                identity: identity?,
                establishment: establishment?,
                post: post?,
                rank: rank?,
                leader: leader?,
                leader_role: leader_role?,
                phone: phone?,
                funding: funding?,
                cost: Cost {
                    basic_pay: basic_pay?,
                    allowances: allowances?,
                    social_insurance: social_insurance?,
                    housing_fund: housing_fund?,
                },
                probation_end: probation_end?,
            })
        };
        input().ok_or_else(|| vec![FieldError::new("id_number", "generic")])
    }

    /// The record as a form again (to show it for editing).
    pub fn to_form(&self, body: &str) -> PersonForm {
        let d = |x: Option<NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
        let m = |x: Money| x.to_string();
        PersonForm {
            name: self.name.clone(),
            gender: self.gender.code().into(),
            id_number: self.id_number.as_str().into(),
            birth_date: self.birth_date.to_string(),
            ethnicity: self.ethnicity.clone(),
            party: self.party.clone(),
            education: self.education.clone(),
            work_start: d(self.work_start),
            unit_join: d(self.unit_join),
            identity: self.identity.code().into(),
            establishment: self.establishment.code().into(),
            body: body.into(),
            post: self.post.clone(),
            rank: self.rank.clone(),
            leader: if self.leader {
                "on".into()
            } else {
                String::new()
            },
            leader_role: self.leader_role.clone(),
            phone: self.phone.clone(),
            funding: self.funding.code().into(),
            basic_pay: m(self.cost.basic_pay),
            allowances: m(self.cost.allowances),
            social_insurance: m(self.cost.social_insurance),
            housing_fund: m(self.cost.housing_fund),
            probation_end: d(self.probation_end),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::rules::id_number::check_char;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    fn good() -> PersonForm {
        PersonForm {
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            identity: "公务员".into(),
            establishment: "行政编制".into(),
            basic_pay: "60000".into(),
            ..PersonForm::default()
        }
    }

    fn codes(f: &PersonForm) -> Vec<(String, String)> {
        PersonInput::parse(f, today())
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn blank_gender_and_birth_come_from_the_id_number() {
        let p = PersonInput::parse(&good(), today()).unwrap();
        assert_eq!(p.gender, Gender::Female);
        assert_eq!(p.birth_date.to_string(), "1949-12-31");
        assert_eq!(p.funding, Funding::Full);
        assert_eq!(p.cost.basic_pay, Money(6_000_000));
    }

    #[test]
    fn every_error_is_named() {
        let f = PersonForm {
            name: String::new(),
            gender: "男".into(),
            birth_date: "1950-01-01".into(),
            id_number: "11010519491231002X".into(),
            identity: "公务员".into(),
            establishment: "事业编制".into(),
            work_start: "2030-01-01".into(),
            leader: "maybe".into(),
            phone: "call me".into(),
            basic_pay: "-1".into(),
            allowances: "1.234".into(),
            funding: "天上掉".into(),
            ..PersonForm::default()
        };
        assert_eq!(
            codes(&f),
            vec![
                ("name".into(), "required".into()),
                ("gender".into(), "gender_mismatch".into()),
                ("birth_date".into(), "birth_mismatch".into()),
                ("work_start".into(), "date_future".into()),
                (
                    "establishment".into(),
                    "establishment_identity_mismatch".into()
                ),
                ("leader".into(), "choice_invalid".into()),
                ("phone".into(), "phone_invalid".into()),
                ("funding".into(), "choice_invalid".into()),
                ("basic_pay".into(), "must_not_be_negative".into()),
                ("allowances".into(), "money_too_precise".into()),
            ]
        );
    }

    #[test]
    fn id_number_errors_keep_their_reason() {
        let mut f = good();
        f.id_number = "110105194912310021".into();
        assert_eq!(codes(&f), vec![("id_number".into(), "id_checksum".into())]);
        f.id_number = "11010520300101002X".into();
        let c = codes(&f);
        assert_eq!(c[0].0, "id_number");
        f.id_number = "".into();
        assert_eq!(codes(&f), vec![("id_number".into(), "required".into())]);
    }

    #[test]
    fn dates_are_ordered() {
        let mut f = good();
        f.work_start = "1970-08-01".into();
        f.unit_join = "1969-01-01".into();
        assert_eq!(
            codes(&f),
            vec![("unit_join".into(), "join_before_work_start".into())]
        );
        f.unit_join = String::new();
        f.work_start = "1955-01-01".into();
        assert_eq!(
            codes(&f),
            vec![("work_start".into(), "date_too_young".into())]
        );
    }

    /// 试用期满日期: a date, blank = none, after the start of work.
    #[test]
    fn probation_end_is_a_date_after_the_work_start() {
        let mut f = good();
        f.work_start = "2025-08-01".into();
        f.probation_end = "2026-08-01".into();
        let p = PersonInput::parse(&f, today()).unwrap();
        assert_eq!(
            p.probation_end.map(|d| d.to_string()).as_deref(),
            Some("2026-08-01")
        );
        f.probation_end = "2025-08-01".into();
        assert_eq!(
            codes(&f),
            vec![("probation_end".into(), "probation_before_work_start".into())]
        );
        f.probation_end = "明年".into();
        assert_eq!(
            codes(&f),
            vec![("probation_end".into(), "date_invalid".into())]
        );
        f.probation_end = " ".into();
        assert_eq!(PersonInput::parse(&f, today()).unwrap().probation_end, None);
    }

    #[test]
    fn form_roundtrip() {
        let mut f = good();
        f.probation_end = "2026-09-01".into();
        f.leader = "是".into();
        f.leader_role = "党工委书记".into();
        let p = PersonInput::parse(&f, today()).unwrap();
        let again = PersonInput::parse(&p.to_form(""), today()).unwrap();
        assert_eq!(p, again);
    }

    proptest! {
        #[test]
        fn gender_and_birth_agree_with_any_valid_number(
            y in 1950i32..2005, m in 1u32..=12, d in 1u32..=28, seq in 0u32..1000,
            say_male in any::<bool>(),
        ) {
            let body = format!("330211{y:04}{m:02}{d:02}{seq:03}");
            let n = format!("{body}{}", check_char(&body).unwrap());
            let f = PersonForm {
                name: "李四".into(),
                id_number: n,
                gender: if say_male { "男".into() } else { "女".into() },
                birth_date: format!("{y:04}-{m:02}-{d:02}"),
                identity: "临时工".into(),
                establishment: "编外".into(),
                ..PersonForm::default()
            };
            let r = PersonInput::parse(&f, today());
            let male = seq % 2 == 1;
            if male == say_male {
                prop_assert!(r.is_ok());
            } else {
                let e = r.err().unwrap_or_default();
                prop_assert_eq!(e.len(), 1);
                prop_assert_eq!(e[0].code.as_str(), "gender_mismatch");
            }
        }
    }
}
