//! The policy-parameter values in force for one calculation: the registry defaults
//! ([`crate::settings::registry`]) overlaid with a district's or unit's stored values.

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

use crate::FieldError;
use crate::settings::{ParamKind, find, registry};

/// Parameter values by key. Every registered key has a value (its default unless set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    values: BTreeMap<&'static str, String>,
}

impl Default for Params {
    fn default() -> Self {
        Self::defaults()
    }
}

impl Params {
    /// The national defaults.
    pub fn defaults() -> Self {
        Self {
            values: registry()
                .iter()
                .map(|d| (d.key, d.default.to_string()))
                .collect(),
        }
    }

    /// Defaults overlaid with `pairs`. Unknown keys are ignored; a known key with an invalid
    /// value is an error on that key (codes of [`crate::settings::ParamDef::parse`]).
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Self, FieldError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut p = Self::defaults();
        for (k, v) in pairs {
            p.set(k.as_ref(), v.as_ref())?;
        }
        Ok(p)
    }

    /// Sets one value after validating it; returns false (and changes nothing) for an
    /// unknown key.
    pub fn set(&mut self, key: &str, raw: &str) -> Result<bool, FieldError> {
        let Some(def) = find(key) else {
            return Ok(false);
        };
        let v = def.parse(raw)?;
        self.values.insert(def.key, v);
        Ok(true)
    }

    /// The normalised text of a value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// Every key with its value, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.values.iter().map(|(k, v)| (*k, v.as_str()))
    }

    fn raw(&self, key: &str) -> Result<(&'static str, ParamKind, &str), FieldError> {
        let def = find(key).ok_or_else(|| FieldError::new(key, "param_unknown"))?;
        let v = self.values.get(key).map_or(def.default, String::as_str);
        Ok((def.key, def.kind, v))
    }

    fn kind_err(key: &str) -> FieldError {
        FieldError::new(key, "param_kind")
    }

    /// An integer parameter. Errors: `param_unknown`, `param_kind`.
    pub fn int(&self, key: &str) -> Result<i64, FieldError> {
        match self.raw(key)? {
            (_, ParamKind::Integer { .. }, v) => v.parse().map_err(|_| Self::kind_err(key)),
            _ => Err(Self::kind_err(key)),
        }
    }

    /// A decimal parameter (integers are accepted too). Errors: `param_unknown`, `param_kind`.
    pub fn decimal(&self, key: &str) -> Result<Decimal, FieldError> {
        match self.raw(key)? {
            (
                _,
                ParamKind::Decimal { .. } | ParamKind::Integer { .. } | ParamKind::Money { .. },
                v,
            ) => Decimal::from_str(v).map_err(|_| Self::kind_err(key)),
            _ => Err(Self::kind_err(key)),
        }
    }

    /// A boolean parameter. Errors: `param_unknown`, `param_kind`.
    pub fn bool(&self, key: &str) -> Result<bool, FieldError> {
        match self.raw(key)? {
            (_, ParamKind::Bool, "true") => Ok(true),
            (_, ParamKind::Bool, "false") => Ok(false),
            _ => Err(Self::kind_err(key)),
        }
    }

    /// A choice parameter's code. Errors: `param_unknown`, `param_kind`.
    pub fn choice(&self, key: &str) -> Result<&str, FieldError> {
        match self.raw(key)? {
            (_, ParamKind::Choice { .. }, v) => Ok(v),
            _ => Err(Self::kind_err(key)),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::rules::keys;

    #[test]
    fn defaults_and_overlay() {
        let p = Params::defaults();
        assert_eq!(p.int(keys::INTERVIEW_TRIM_THRESHOLD), Ok(5));
        assert_eq!(p.decimal(keys::EXCELLENT_RATE_PCT), Ok(Decimal::from(20)));
        assert_eq!(p.bool(keys::INSTITUTION_FOLLOWS_CIVIL_SERVANT), Ok(true));
        assert_eq!(p.choice(keys::SEVERANCE_FORMULA), Ok("art47"));
        assert_eq!(p.iter().count(), crate::rules::PARAMS.len());

        let p = Params::from_pairs([
            ("appraisal.excellent_rate_pct", "25"),
            ("no.such.key", "whatever"),
            ("selection.interview_trim_threshold", " 7 "),
        ])
        .unwrap();
        assert_eq!(p.decimal(keys::EXCELLENT_RATE_PCT), Ok(Decimal::from(25)));
        assert_eq!(p.int(keys::INTERVIEW_TRIM_THRESHOLD), Ok(7));
        assert_eq!(p.get("no.such.key"), None);
    }

    #[test]
    fn invalid_values_and_kinds() {
        let e = Params::from_pairs([("appraisal.excellent_rate_pct", "30")]).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("appraisal.excellent_rate_pct", "out_of_range")
        );
        let p = Params::defaults();
        assert_eq!(
            p.int("x.y").map_err(|e| e.code),
            Err("param_unknown".into())
        );
        assert_eq!(
            p.bool(keys::INTERVIEW_TRIM_THRESHOLD).map_err(|e| e.code),
            Err("param_kind".into())
        );
        let mut p = Params::defaults();
        assert_eq!(p.set("unknown", "1"), Ok(false));
        assert_eq!(p.set(keys::SEVERANCE_LOCAL_APPLY_CAP, "no"), Ok(true));
        assert_eq!(p.bool(keys::SEVERANCE_LOCAL_APPLY_CAP), Ok(false));
    }
}
