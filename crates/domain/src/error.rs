//! Validation errors that name the field and the reason.
//!
//! The `code` is a stable key; the web layer translates it (`err.<code>` in the locale
//! files) and fills in `args` such as `{max}`.

use serde::Serialize;

/// One invalid field: which field, why (a stable code), and values for the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {code}")]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub args: Vec<(String, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.args.push((name.into(), value.to_string()));
        self
    }
}

/// Collects every error of a form so that the user sees all of them at once.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn new() -> Self {
        Self(Vec::new())
    }
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    /// Records the error of a parse, returning the value when it parsed.
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }
    /// Records every error of a multi-field parse, returning the value when it parsed.
    pub fn take_all<T>(&mut self, r: Result<T, Vec<FieldError>>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.extend(e);
                None
            }
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

/// Trims a required text field and checks its length in characters.
pub fn required_text(field: &str, value: &str, max_chars: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let n = v.chars().count();
    if n > max_chars {
        return Err(FieldError::new(field, "too_long").with("max", max_chars));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_limits() {
        assert_eq!(
            required_text("name", "  骆驼街道 ", 10),
            Ok("骆驼街道".to_string())
        );
        assert_eq!(
            required_text("name", "   ", 10).map_err(|e| e.code),
            Err("required".into())
        );
        let e = required_text("name", "一二三四五六", 5)
            .err()
            .map(|e| (e.code, e.args));
        assert_eq!(
            e,
            Some(("too_long".into(), vec![("max".into(), "5".into())]))
        );
    }
}

/// A path segment or value that is not an id: ids are whole numbers above zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("id_invalid")]
pub struct InvalidId;

/// Parses an id as it appears in a URL path: ASCII digits only (surrounding blanks
/// ignored), above zero, within `i64`.
pub fn parse_id(s: &str) -> Result<i64, InvalidId> {
    let t = s.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidId);
    }
    match t.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(InvalidId),
    }
}

/// A value that is none of a closed list's codes or labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("choice_invalid")]
pub struct InvalidChoice;
