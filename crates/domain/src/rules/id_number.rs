//! Resident identity number (公民身份号码), GB 11643-1999 (RULES.md §8).
//!
//! 18 characters: a 6-digit area code (GB/T 2260), an 8-digit birth date `YYYYMMDD`, a 3-digit
//! sequence (odd = male, even = female) and a check character computed by ISO 7064 MOD 11-2:
//! `S = Σ aᵢ·Wᵢ mod 11` with `W = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2`, check = `"10X98765432"[S]`.
//!
//! Validation here: length 18; 17 digits and a digit or `X` (a lower-case `x` is accepted and
//! normalised to `X`); the area's first two digits name a province-level division of GB/T 2260
//! (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81–83); the birth date is a real date and, when
//! `today` is given, not after it; the check character matches. Reason codes: `required`,
//! `id_length`, `id_chars`, `id_area`, `id_birth`, `id_birth_future`, `id_checksum`.

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

use crate::FieldError;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";
const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

closed_lists!("rules/id_number.toml");

/// Why a number is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum IdError {
    #[error("required")]
    Required,
    #[error("id_length")]
    Length,
    #[error("id_chars")]
    Chars,
    #[error("id_area")]
    Area,
    #[error("id_birth")]
    Birth,
    #[error("id_birth_future")]
    BirthFuture,
    #[error("id_checksum")]
    Checksum,
}

impl IdError {
    pub fn code(self) -> &'static str {
        match self {
            IdError::Required => "required",
            IdError::Length => "id_length",
            IdError::Chars => "id_chars",
            IdError::Area => "id_area",
            IdError::Birth => "id_birth",
            IdError::BirthFuture => "id_birth_future",
            IdError::Checksum => "id_checksum",
        }
    }
}

/// The check character for the first 17 digits; `None` unless `body` is 17 ASCII digits.
pub fn check_char(body: &str) -> Option<char> {
    if body.len() != 17 || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let s: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK.get((s % 11) as usize).map(|&c| char::from(c))
}

/// A valid resident ID number (normalised: upper-case `X`).
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct IdNumber {
    text: String,
    #[serde(skip)]
    birth: NaiveDate,
}

impl fmt::Debug for IdNumber {
    /// Masks the birth date and sequence: ID numbers are personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let area = self.text.get(..6).unwrap_or("");
        let check = self.text.get(17..).unwrap_or("");
        write!(f, "IdNumber({area}***********{check})")
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<IdNumber> for String {
    fn from(v: IdNumber) -> String {
        v.text
    }
}

impl IdNumber {
    /// Whether `text` has the shape every stored number has: 18 ASCII characters, 17
    /// digits then a digit or X (either case). A roster search looks a text up by ID number
    /// only when it has this shape, since no other text can equal a stored one.
    pub fn is_shaped(text: &str) -> bool {
        let b = text.as_bytes();
        b.len() == 18
            && b[..17].iter().all(u8::is_ascii_digit)
            && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
    }

    /// Validates a number; `today`, when given, forbids birth dates after it.
    pub fn parse(s: &str, today: Option<NaiveDate>) -> Result<Self, IdError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(IdError::Required);
        }
        if t.chars().count() != 18 {
            return Err(IdError::Length);
        }
        if !t.is_ascii() {
            return Err(IdError::Chars);
        }
        let text = t.to_ascii_uppercase();
        let (body, last) = text.split_at(17);
        let last_ok = last == "X" || last.bytes().all(|b| b.is_ascii_digit());
        if !body.bytes().all(|b| b.is_ascii_digit()) || !last_ok {
            return Err(IdError::Chars);
        }
        let province: u32 = body.get(..2).and_then(|p| p.parse().ok()).unwrap_or(0);
        if !PROVINCES.contains(&province) {
            return Err(IdError::Area);
        }
        let birth = body
            .get(6..14)
            .and_then(|b| NaiveDate::parse_from_str(b, "%Y%m%d").ok())
            .ok_or(IdError::Birth)?;
        if today.is_some_and(|t| birth > t) {
            return Err(IdError::BirthFuture);
        }
        if check_char(body).map(String::from).as_deref() != Some(last) {
            return Err(IdError::Checksum);
        }
        Ok(Self { text, birth })
    }

    /// [`IdNumber::parse`] as a form error on `field`.
    pub fn parse_field(field: &str, s: &str, today: Option<NaiveDate>) -> Result<Self, FieldError> {
        Self::parse(s, today).map_err(|e| FieldError::new(field, e.code()))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The 6-digit area code (GB/T 2260) as text.
    pub fn area(&self) -> &str {
        self.text.get(..6).unwrap_or("")
    }

    pub fn birth(&self) -> NaiveDate {
        self.birth
    }

    /// The 3-digit sequence number.
    pub fn sequence(&self) -> &str {
        self.text.get(14..17).unwrap_or("")
    }

    pub fn gender(&self) -> Gender {
        let odd = self
            .text
            .as_bytes()
            .get(16)
            .is_some_and(|b| (b - b'0') % 2 == 1);
        if odd { Gender::Male } else { Gender::Female }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shaped_is_what_a_stored_number_can_equal() {
        assert!(IdNumber::is_shaped("11010519491231002X"));
        assert!(IdNumber::is_shaped("11010519491231002x"));
        assert!(IdNumber::is_shaped("110105194912310021"));
        assert!(!IdNumber::is_shaped("王伟"));
        assert!(!IdNumber::is_shaped("1101051949123100"));
        assert!(!IdNumber::is_shaped("1101051949123100X2"));
        assert!(!IdNumber::is_shaped("11010519491231002X "));
        assert!(!IdNumber::is_shaped("１１０１０５１９４９１２３１００２X"));
    }

    #[test]
    fn rules_examples() {
        let a = IdNumber::parse("11010519491231002X", None).unwrap();
        assert_eq!(a.area(), "110105");
        assert_eq!(a.birth().to_string(), "1949-12-31");
        assert_eq!(a.gender(), Gender::Female);
        assert_eq!(a.sequence(), "002");
        let b = IdNumber::parse("440524188001010014", None).unwrap();
        assert_eq!(b.area(), "440524");
        assert_eq!(b.birth().to_string(), "1880-01-01");
        assert_eq!(b.gender(), Gender::Male);
    }

    #[test]
    fn lower_x_is_normalised_and_debug_masks() {
        let a = IdNumber::parse(" 11010519491231002x ", None).unwrap();
        assert_eq!(a.as_str(), "11010519491231002X");
        assert_eq!(format!("{a:?}"), "IdNumber(110105***********X)");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"11010519491231002X\"");
    }

    #[test]
    fn reasons() {
        let p = |s: &str| IdNumber::parse(s, None).map(|_| ()).map_err(|e| e.code());
        assert_eq!(p(""), Err("required"));
        assert_eq!(p("1101051949123100"), Err("id_length"));
        assert_eq!(p("11010519491231002Y"), Err("id_chars"));
        assert_eq!(p("1101051949123100X2"), Err("id_chars"));
        assert_eq!(p("11010519491231002１"), Err("id_chars"));
        assert_eq!(p("99010519491231002X"), Err("id_area"));
        assert_eq!(p("110105194902300020"), Err("id_birth"));
        assert_eq!(p("110105194912310021"), Err("id_checksum"));
        let today = NaiveDate::from_ymd_opt(1949, 12, 30);
        assert_eq!(
            IdNumber::parse("11010519491231002X", today).map_err(|e| e.code()),
            Err("id_birth_future")
        );
        assert!(
            IdNumber::parse("11010519491231002X", NaiveDate::from_ymd_opt(1949, 12, 31)).is_ok()
        );
        let e = IdNumber::parse_field("number", "x", None).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("number", "id_length"));
    }

    fn valid_number() -> impl Strategy<Value = String> {
        (
            prop::sample::select(PROVINCES.to_vec()),
            0u32..10000,
            1900i32..2025,
            1u32..=12,
            1u32..=28,
            0u32..1000,
        )
            .prop_map(|(p, area, y, m, d, seq)| {
                let body = format!("{p:02}{area:04}{y:04}{m:02}{d:02}{seq:03}");
                let c = check_char(&body).unwrap();
                format!("{body}{c}")
            })
    }

    proptest! {
        #[test]
        fn every_valid_number_is_shaped(n in valid_number()) {
            let id = IdNumber::parse(&n, None).expect("valid");
            prop_assert!(IdNumber::is_shaped(id.as_str()));
            prop_assert!(IdNumber::is_shaped(&n.to_ascii_lowercase()));
        }

        #[test]
        fn generated_numbers_validate(n in valid_number()) {
            let id = IdNumber::parse(&n, NaiveDate::from_ymd_opt(2026, 1, 1)).unwrap();
            prop_assert_eq!(id.as_str(), n.as_str());
            let seq: u32 = id.sequence().parse().unwrap();
            prop_assert_eq!(id.gender() == Gender::Male, seq % 2 == 1);
        }

        #[test]
        fn any_single_change_is_rejected(n in valid_number(), pos in 0usize..18, digit in 0u8..11) {
            let mut bytes = n.clone().into_bytes();
            let new = if digit == 10 { b'X' } else { b'0' + digit };
            prop_assume!(bytes[pos] != new);
            prop_assume!(pos == 17 || new != b'X'); // 'X' in the body is a character error anyway
            bytes[pos] = new;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&changed, None).is_err());
        }
    }
}
