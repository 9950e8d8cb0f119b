//! A small builder for queries with optional filters.

use crate::db::Value;

#[derive(Debug, Default)]
pub struct Sql {
    pub text: String,
    pub params: Vec<Value>,
}

impl Sql {
    pub fn new(base: &str) -> Self {
        Sql {
            text: base.to_string(),
            params: Vec::new(),
        }
    }

    /// Adds a parameter and returns its placeholder (`$n`).
    pub fn bind(&mut self, v: impl Into<Value>) -> String {
        self.params.push(v.into());
        format!("${}", self.params.len())
    }

    /// Appends ` AND <cond>` where each `{}` in `cond` is the placeholder of `v`.
    pub fn and(&mut self, cond: &str, v: impl Into<Value>) {
        let p = self.bind(v);
        self.text.push_str(" AND ");
        self.text.push_str(&cond.replace("{}", &p));
    }

    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
}

/// A `LIKE` pattern that matches `s` anywhere, with `%`, `_` and `\` escaped
/// (use with `ESCAPE '\'`).
pub fn like(s: &str) -> String {
    let mut out = String::from("%");
    for c in s.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Picks a sort column from an allow-list; unknown keys give the default.
pub fn order_by(sort: Option<&str>, desc: bool, allowed: &[(&str, &str)], default: &str) -> String {
    let col = sort
        .and_then(|s| allowed.iter().find(|(k, _)| *k == s))
        .map(|(_, c)| *c)
        .unwrap_or(default);
    format!(" ORDER BY {col} {}", if desc { "DESC" } else { "ASC" })
}
