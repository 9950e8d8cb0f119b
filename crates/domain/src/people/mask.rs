//! Masked display of resident ID numbers: the default everywhere. Only actors allowed to
//! see personal data (`PeopleSensitive`) get the full number, and only where a page asks
//! for it explicitly.

use serde::Serialize;
use std::fmt;

use crate::rules::id_number::IdNumber;

/// An ID number shown as `110105********002X`: the 6-digit area, eight `*` over the birth
/// date, and the last four characters. Anything that is not 18 characters is all `*`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct MaskedId(String);

impl MaskedId {
    pub fn of(id: &IdNumber) -> Self {
        Self::from_text(id.as_str())
    }

    /// Masks a stored number (or anything else) without validating it.
    pub fn from_text(s: &str) -> Self {
        let chars: Vec<char> = s.trim().chars().collect();
        if chars.len() == 18 {
            let head: String = chars.iter().take(6).collect();
            let tail: String = chars.iter().skip(14).collect();
            MaskedId(format!("{head}********{tail}"))
        } else {
            MaskedId("*".repeat(chars.len().min(18)))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MaskedId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The number to show: full when `sensitive`, else masked.
pub fn shown(stored: &str, sensitive: bool) -> String {
    if sensitive {
        stored.to_string()
    } else {
        MaskedId::from_text(stored).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn masks_birth_date() {
        let id = IdNumber::parse("11010519491231002X", None).map(|i| MaskedId::of(&i));
        assert_eq!(
            id.map(|m| m.to_string()),
            Ok("110105********002X".to_string())
        );
        assert_eq!(MaskedId::from_text("123").as_str(), "***");
        assert_eq!(shown("11010519491231002X", true), "11010519491231002X");
        assert_eq!(shown("11010519491231002X", false), "110105********002X");
    }

    proptest! {
        #[test]
        fn never_shows_the_birth_date(s in "[0-9]{17}[0-9X]") {
            let m = MaskedId::from_text(&s);
            prop_assert_eq!(m.as_str().chars().count(), 18);
            prop_assert!(!m.as_str().contains(&s[6..14]));
            prop_assert_eq!(&m.as_str()[6..14], "********");
        }
    }
}
