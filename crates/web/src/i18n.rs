//! Translations. Every string a user sees lives in `locales/zh-CN/*.txt` (the default) and
//! `locales/en/*.txt`, one `key = text` per line; `{name}` in a text is filled from
//! arguments. Each module has its own file in both folders and its [`WebModule`](crate::module::WebModule) ([`sources`]).
//! A test checks that both languages have the same keys and that every key the templates
//! use exists.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
    pub fn from_code(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" | "zh-cn" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// The platform's own texts; each module brings its files in its [`WebModule`](crate::module::WebModule).
pub const CORE: crate::module::Locales = crate::locales!("core");

/// (module, Chinese file, English file) for the platform and every module.
/// The platform's texts of the audit and sign-in logs and of list pages.
pub const LOGS: crate::module::Locales = crate::locales!("logs");

pub fn sources() -> Vec<(&'static str, &'static str, &'static str)> {
    std::iter::once(("core", CORE.zh, CORE.en))
        .chain(std::iter::once(("logs", LOGS.zh, LOGS.en)))
        .chain(
            crate::module::MODULES
                .iter()
                .map(|m| (m.id, m.locales.zh, m.locales.en)),
        )
        .collect()
}

/// Parses `key = text` lines; `#` starts a comment line.
pub fn parse(src: &str) -> HashMap<String, String> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn table(lang: Lang) -> &'static HashMap<String, String> {
    static ZH: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    match lang {
        Lang::Zh => ZH.get_or_init(|| sources().iter().flat_map(|(_, zh, _)| parse(zh)).collect()),
        Lang::En => EN.get_or_init(|| sources().iter().flat_map(|(_, _, en)| parse(en)).collect()),
    }
}

/// Each closed list's Chinese labels (the shown one) to its value's locale key, the first
/// list's where two lists share a label. The permissions (`Action`) have no text.
fn list_label_keys() -> &'static HashMap<&'static str, String> {
    static KEYS: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut m = HashMap::new();
        for (list, key, zh) in jiguan_domain::closed_list_labels() {
            if !list.ends_with("auth::Action") {
                m.entry(zh).or_insert(key);
            }
        }
        m
    })
}

/// The translator handed to templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    /// The text of `key`, or the key itself when missing (tests keep that from happening).
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        table(self.lang).get(key).map(String::as_str).unwrap_or(key)
    }

    /// The text of `key` with `{name}` placeholders filled.
    pub fn f(&self, key: &str, args: &[(String, String)]) -> String {
        let mut s = table(self.lang)
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string());
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// Whether a key exists (for optional texts such as per-error messages).
    pub fn has(&self, key: &str) -> bool {
        table(self.lang).contains_key(key)
    }

    /// A closed list's value that a view carries as text (its code or Chinese label) in
    /// the page's language: the text of `key`, the value's `label_key()` when the text
    /// names one, else the text as it is.
    pub fn label_or(&self, key: Option<String>, text: &str) -> String {
        key.map_or_else(|| text.to_string(), |k| self.t(&k).to_string())
    }

    /// The message of a field error: `err.<code>` with its arguments and the field label.
    /// An argument that is a closed list's Chinese label (the rules name a value so, such
    /// as an establishment kind) is given in the page's language.
    pub fn error(&self, e: &jiguan_domain::FieldError) -> String {
        let key = format!("err.{}", e.code);
        let mut args = e.args.clone();
        if self.lang != Lang::Zh {
            for (_, v) in &mut args {
                if let Some(k) = list_label_keys().get(v.as_str()) {
                    *v = self.t(k).to_string();
                }
            }
        }
        let label_key = format!("field.{}", e.field);
        // A policy parameter's error is on its key: its name is `param.<key>`.
        let param_key = format!("param.{}", e.field);
        let label = if self.has(&label_key) {
            self.f(&label_key, &[])
        } else if self.has(&param_key) {
            self.f(&param_key, &[])
        } else {
            e.field.clone()
        };
        args.push(("field".into(), label));
        if self.has(&key) {
            self.f(&key, &args)
        } else {
            self.f("err.generic", &args)
        }
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }
}

impl jiguan_excel::reports::Labels for Tr {
    fn t(&self, key: &str) -> String {
        Tr::t(self, key).to_string()
    }
    fn f(&self, key: &str, args: &[(String, String)]) -> String {
        Tr::f(self, key, args)
    }
}

#[cfg(test)]
mod tests {
    use jiguan_domain::FieldError;

    use super::{Lang, Tr};

    #[test]
    fn an_errors_list_value_is_in_the_readers_language() {
        let e = FieldError::new("body", "establishment_body_mismatch")
            .with("body", "财政所")
            .with("kind", "行政编制");
        let en = Tr::new(Lang::En).error(&e);
        assert!(
            en.contains("财政所") && en.contains("Administrative"),
            "{en}"
        );
        assert!(!en.contains("行政编制"), "{en}");
        let zh = Tr::new(Lang::Zh).error(&e);
        assert!(zh.contains("财政所") && zh.contains("行政编制"), "{zh}");
    }
}
