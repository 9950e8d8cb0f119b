//! The closed lists of the organisation module: kinds of body, their status, function
//! categories and review decisions. Each has a stable `code` (stored, in URLs and the API;
//! locale key `org.kind.<code>` etc.) and a parser that also accepts the Chinese term.

use serde::{Deserialize, Serialize};

closed_lists!("org/kinds.toml");

impl ReviewDecision {
    /// Whether the unit still performs the item after this decision.
    pub fn performed(self) -> bool {
        !matches!(self, ReviewDecision::Remove | ReviewDecision::Transfer)
    }
}

/// Where a body stands. Only active bodies hold functions and count against the caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "into")]
pub enum BodyStatus {
    /// 运行中.
    Active,
    /// 已并入: merged into another body, which keeps its nameplate record.
    Merged(super::BodyId),
    /// 已撤销.
    Abolished,
    /// 已转制: converted to an enterprise, outside the agency.
    Converted,
}

impl BodyStatus {
    pub fn code(self) -> &'static str {
        match self {
            BodyStatus::Active => "active",
            BodyStatus::Merged(_) => "merged",
            BodyStatus::Abolished => "abolished",
            BodyStatus::Converted => "converted",
        }
    }

    pub fn label_key(self) -> String {
        format!("org.status.{}", self.code())
    }

    pub fn is_active(self) -> bool {
        self == BodyStatus::Active
    }

    pub fn successor(self) -> Option<super::BodyId> {
        match self {
            BodyStatus::Merged(b) => Some(b),
            _ => None,
        }
    }

    /// Rebuilds a status from its stored code and successor.
    pub fn from_parts(code: &str, successor: Option<super::BodyId>) -> Option<Self> {
        match (code, successor) {
            ("active", _) => Some(BodyStatus::Active),
            ("merged", Some(b)) => Some(BodyStatus::Merged(b)),
            ("abolished", _) => Some(BodyStatus::Abolished),
            ("converted", _) => Some(BodyStatus::Converted),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_chinese_terms_parse() {
        for k in BodyKind::ALL {
            assert_eq!(BodyKind::from_code(k.code()), Some(*k));
            assert_eq!(BodyKind::from_code(k.zh()), Some(*k));
        }
        assert_eq!(
            BodyKind::parse("kind", "站").map_err(|e| e.code),
            Err("choice_invalid".into())
        );
        assert_eq!(
            FunctionCategory::parse("category", " ").map_err(|e| e.code),
            Err("required".into())
        );
        assert!(!ReviewDecision::Remove.performed());
        assert!(ReviewDecision::Weaken.performed());
        assert_eq!(
            BodyStatus::from_parts("merged", Some(super::super::BodyId(4))),
            Some(BodyStatus::Merged(super::super::BodyId(4)))
        );
        assert_eq!(BodyStatus::from_parts("merged", None), None);
    }
}
