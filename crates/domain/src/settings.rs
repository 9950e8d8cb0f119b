//! Policy parameters (政策参数): numbers that national rules leave to local practice.
//! Each is stored per district (or per unit where local), defaults to the national value
//! and is shown with its source. Modules register their parameters in [`registry`].

use serde::Serialize;

use crate::FieldError;

/// Who may set a parameter: the district for all its units, or each unit for itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamScope {
    District,
    Unit,
}

/// The type of a parameter's value, with its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ParamKind {
    /// A whole number within the bounds.
    Integer { min: i64, max: i64 },
    /// A decimal number (as text) within the bounds, at most `scale` decimals.
    Decimal { min: i64, max: i64, scale: u32 },
    /// One of the listed codes.
    Choice { options: &'static [&'static str] },
    /// true or false.
    Bool,
    /// An amount of money entered and shown in yuan (元), within the bounds (whole yuan),
    /// at most two decimals (分). Stored as its normalised yuan text (`9000`, `9000.5`) so
    /// that a stored value parses to itself.
    Money { min: i64, max: i64 },
}

/// A parameter's definition: its key, type, default and legal source.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParamDef {
    /// Stable key, such as `severance.monthly_cap_multiple`. Locale key: `param.<key>`.
    pub key: &'static str,
    pub kind: ParamKind,
    pub default: &'static str,
    pub scope: ParamScope,
    /// The statute and article, or "local policy parameter".
    pub source: &'static str,
}

/// Every policy parameter the system knows, in display order.
pub fn registry() -> &'static [ParamDef] {
    crate::rules::PARAMS
}

pub fn find(key: &str) -> Option<&'static ParamDef> {
    registry().iter().find(|d| d.key == key)
}

impl ParamDef {
    /// Validates and normalises a value entered by an administrator.
    pub fn parse(&self, raw: &str) -> Result<String, FieldError> {
        let v = raw.trim();
        if v.is_empty() {
            return Err(FieldError::new(self.key, "required"));
        }
        match self.kind {
            ParamKind::Integer { min, max } => {
                let n: i64 = v
                    .parse()
                    .map_err(|_| FieldError::new(self.key, "integer_invalid"))?;
                if n < min || n > max {
                    return Err(FieldError::new(self.key, "out_of_range")
                        .with("min", min)
                        .with("max", max));
                }
                Ok(n.to_string())
            }
            ParamKind::Decimal { min, max, scale } => {
                let d: rust_decimal::Decimal = v
                    .parse()
                    .map_err(|_| FieldError::new(self.key, "number_invalid"))?;
                if d.scale() > scale {
                    return Err(FieldError::new(self.key, "too_precise").with("scale", scale));
                }
                if d < rust_decimal::Decimal::from(min) || d > rust_decimal::Decimal::from(max) {
                    return Err(FieldError::new(self.key, "out_of_range")
                        .with("min", min)
                        .with("max", max));
                }
                Ok(d.normalize().to_string())
            }
            ParamKind::Choice { options } => {
                if options.contains(&v) {
                    Ok(v.to_string())
                } else {
                    Err(FieldError::new(self.key, "choice_invalid"))
                }
            }
            ParamKind::Money { min, max } => {
                let t = v.trim_end_matches('元').trim();
                let m = crate::money::Money::parse_yuan(self.key, t)?;
                let d = m.to_decimal();
                if d < rust_decimal::Decimal::from(min) || d > rust_decimal::Decimal::from(max) {
                    return Err(FieldError::new(self.key, "out_of_range")
                        .with("min", min)
                        .with("max", max));
                }
                Ok(d.normalize().to_string())
            }
            ParamKind::Bool => match v {
                "true" | "1" | "on" | "yes" => Ok("true".into()),
                "false" | "0" | "off" | "no" => Ok("false".into()),
                _ => Err(FieldError::new(self.key, "choice_invalid")),
            },
        }
    }
}

impl ParamDef {
    /// A stored value as an input shows it for editing: money in yuan with two decimals
    /// (`9000.00`); other kinds as stored.
    pub fn input_value(&self, value: &str) -> String {
        match self.kind {
            ParamKind::Money { .. } => value
                .parse::<rust_decimal::Decimal>()
                .ok()
                .and_then(crate::money::Money::from_decimal_yuan)
                .map_or_else(|| value.to_string(), |m| m.to_string()),
            _ => value.to_string(),
        }
    }

    /// A stored value as the page shows it: money in yuan with thousands separators and
    /// two decimals (`9,000.00`); other kinds as stored.
    pub fn display(&self, value: &str) -> String {
        match self.kind {
            ParamKind::Money { .. } => value
                .parse::<rust_decimal::Decimal>()
                .ok()
                .and_then(crate::money::Money::from_decimal_yuan)
                .map(yuan_grouped)
                .unwrap_or_else(|| value.to_string()),
            _ => value.to_string(),
        }
    }
}

/// An amount as `1,234,567.89`.
pub fn yuan_grouped(m: crate::money::Money) -> String {
    let fen = m.0.unsigned_abs();
    let sign = if m.0 < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", grouped(fen / 100), fen % 100)
}

/// A whole number with thousands separators: `1234567` → `1,234,567`.
pub fn grouped(n: u64) -> String {
    let whole = n.to_string();
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_keys_unique() {
        let mut keys = std::collections::BTreeSet::new();
        for d in registry() {
            assert!(keys.insert(d.key), "duplicate key {}", d.key);
            assert_eq!(d.parse(d.default).as_deref(), Ok(d.default), "{}", d.key);
            assert!(!d.source.is_empty());
        }
    }

    #[test]
    fn money_is_entered_and_shown_in_yuan() {
        let d = ParamDef {
            key: "wage",
            kind: ParamKind::Money {
                min: 1,
                max: 100_000,
            },
            default: "9000",
            scope: ParamScope::District,
            source: "test",
        };
        assert_eq!(d.parse("9,000.50 元"), Ok("9000.5".into()));
        assert_eq!(d.display("9000.5"), "9,000.50");
        assert_eq!(d.parse(&d.display("9000.5")), Ok("9000.5".into()));
        assert_eq!(d.display("1234567"), "1,234,567.00");
        assert_eq!(d.input_value("9000.5"), "9000.50");
        assert_eq!(d.parse(&d.input_value("9000.5")), Ok("9000.5".into()));
        assert_eq!(
            d.parse("0.5").map_err(|e| e.code),
            Err("out_of_range".into())
        );
        assert_eq!(
            d.parse("1.234").map_err(|e| e.code),
            Err("money_too_precise".into())
        );
        assert_eq!(
            d.parse("abc").map_err(|e| e.code),
            Err("money_invalid".into())
        );
    }

    #[test]
    fn parse_checks_bounds() {
        let d = ParamDef {
            key: "k",
            kind: ParamKind::Integer { min: 1, max: 10 },
            default: "5",
            scope: ParamScope::District,
            source: "test",
        };
        assert_eq!(d.parse(" 7 "), Ok("7".into()));
        assert_eq!(
            d.parse("11").map_err(|e| e.code),
            Err("out_of_range".into())
        );
        assert_eq!(
            d.parse("x").map_err(|e| e.code),
            Err("integer_invalid".into())
        );
    }
}
