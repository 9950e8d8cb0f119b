//! The modules' Excel reports, built from the use cases' views, for the web (download
//! buttons) and the CLI (`jiguan … export`) alike. One file per module. Labels come through
//! [`Labels`], which the web layer's translator implements, so headers follow the user's
//! language.

pub mod appraisal;
pub mod downsizing;
pub mod org;
pub mod people;
pub mod people_relations;
pub mod posts;
pub mod report;

/// Translated texts for sheet headers and values.
pub trait Labels {
    /// The text of a locale key.
    fn t(&self, key: &str) -> String;
    /// The text of a locale key with `{name}` placeholders filled.
    fn f(&self, key: &str, args: &[(String, String)]) -> String;
}

/// A total row for `rows`: `label` in the first column and, under every column that holds
/// money, its exact sum (in fen); other columns stay empty.
pub fn money_total(label: impl Into<String>, rows: &[Vec<crate::Cell>]) -> Vec<crate::Cell> {
    use crate::Cell;
    use jiguan_domain::money::Money;
    let cols = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let mut out = vec![Cell::Text(label.into())];
    for c in 1..cols {
        let mut sum: Option<i64> = None;
        for r in rows {
            if let Some(Cell::Money(m)) = r.get(c) {
                sum = Some(sum.unwrap_or(0).saturating_add(m.0));
            }
        }
        out.push(sum.map_or(Cell::Empty, |s| Cell::Money(Money(s))));
    }
    out
}
pub mod pay;
pub mod selection;
pub mod twoway;
