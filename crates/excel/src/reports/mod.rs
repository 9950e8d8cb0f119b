//! The modules' Excel reports, built from the use cases' views, for the web (download
//! buttons) and the CLI (`jiguan … export`) alike. One file per module. Labels come through
//! [`Labels`], which the web layer's translator implements, so headers follow the user's
//! language.

pub mod downsizing;
pub mod org;
pub mod people;
pub mod posts;

/// Translated texts for sheet headers and values.
pub trait Labels {
    /// The text of a locale key.
    fn t(&self, key: &str) -> String;
    /// The text of a locale key with `{name}` placeholders filled.
    fn f(&self, key: &str, args: &[(String, String)]) -> String;
}
