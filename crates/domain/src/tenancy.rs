//! Tenancy: a district (区) owns units (镇 towns and 街道 subdistricts).
//! One unit's agency is one tenant; every tenant-owned row carries its unit id.

use crate::FieldError;
use crate::error::required_text;

id_type! {
    /// A district (区).
    DistrictId;
    /// A town or subdistrict (镇/街道): one tenant.
    UnitId;
    /// A user account.
    UserId;
}

closed_lists!("tenancy.toml");

impl UnitKind {
    /// The unit's party committee: 党委 for a town, 党工委 for a subdistrict.
    pub fn committee(self) -> Committee {
        match self {
            UnitKind::Town => Committee::PartyCommittee,
            UnitKind::Subdistrict => Committee::PartyWorkingCommittee,
        }
    }
}

/// A unit or district code: ASCII letters, digits, `-` and `_`, 2 to 32 characters.
/// Codes appear in URLs and file names, so they are kept plain.
pub fn parse_code(field: &str, s: &str) -> Result<String, FieldError> {
    let v = s.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let ok = (2..=32).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(v.to_ascii_lowercase())
    } else {
        Err(FieldError::new(field, "code_invalid"))
    }
}

/// Input for creating or renaming a unit, validated.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnitInput {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
}

impl UnitInput {
    pub fn parse(code: &str, name: &str, kind: &str) -> Result<Self, Vec<FieldError>> {
        let mut errs = crate::error::Errors::new();
        let code = errs.take(parse_code("code", code));
        let name = errs.take(required_text("name", name, 40));
        let kind = errs.take(UnitKind::parse("kind", kind));
        match (code, name, kind) {
            (Some(code), Some(name), Some(kind)) if errs.is_empty() => {
                Ok(UnitInput { code, name, kind })
            }
            _ => Err(errs.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committee_follows_kind() {
        assert_eq!(UnitKind::Town.committee(), Committee::PartyCommittee);
        assert_eq!(
            UnitKind::Subdistrict.committee(),
            Committee::PartyWorkingCommittee
        );
    }

    #[test]
    fn unit_input_reports_every_field() {
        let e = UnitInput::parse("", "", "city").err().unwrap_or_default();
        let fields: Vec<_> = e
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("code", "required"),
                ("name", "required"),
                ("kind", "choice_invalid")
            ]
        );
        assert!(UnitInput::parse("luotuo", "骆驼街道", "subdistrict").is_ok());
        assert!(parse_code("code", "骆驼").is_err());
    }
}
