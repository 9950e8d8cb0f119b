//! Jiguan's domain: the types and rules of township agency reform (镇街道机关运行机制改革).
//!
//! This crate is pure: no I/O, no clock, no database. Every rule cites its source.
//! Values that must be valid (an ID number, a role, an amount of money) can only be
//! built by parsing, so invalid values cannot travel inward.

// `every_closed_list!`: every list of every `.toml` beside the modules (build.rs names
// them), for `closed_list_labels` and the lists' test in `macros`.
include!(concat!(env!("OUT_DIR"), "/lists/index.rs"));

#[macro_use]
mod macros;

pub mod appraisal;
pub mod audit;
pub mod auth;
pub mod dict;
pub mod downsizing;
pub mod error;
pub mod inbox;
pub mod money;
pub mod org;
pub mod pay;
pub mod people;
pub mod posts;
pub mod report;
pub mod rules;
pub mod selection;
pub mod settings;
pub mod tenancy;
pub mod text;
pub mod time;
pub mod twoway;
pub mod workflow;

#[cfg(test)]
pub(crate) mod test_util;

/// The build script, for the test of its checks (`macros::tests`).
#[cfg(test)]
#[allow(dead_code)]
#[path = "../build.rs"]
mod build_script;

pub use error::FieldError;

/// Every value of every closed list (固定代码表) as (the list's type, such as
/// `crate::auth::Action`, the value's locale key, its Chinese label), for the pages' check that each has a text in both languages.
pub fn closed_list_labels() -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    macro_rules! collect {
        ($($t:ty),+ $(,)?) => {$(
            for v in <$t>::ALL {
                out.push((stringify!($t).replace(' ', ""), v.label_key(), v.zh()));
            }
        )+};
    }
    every_closed_list!(collect);
    out
}
