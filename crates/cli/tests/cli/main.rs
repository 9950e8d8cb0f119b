//! The `jiguan` binary: the `jiguan calc` contract of issue 5 run on the real binary, the
//! calendar import, the same results through the page, the API and the command line, and
//! saved calculations that keep the parameter values they were computed with.
//!
//! One test binary (`cargo test -p jiguan --test cli`): shared helpers in `helpers`, one
//! file per subject.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

mod agree;
mod appraisal;
mod contract;
mod downsizing;
mod json_calcs;
mod params;
mod pay;
mod people_relations;
mod platform;
mod report;
mod selection;
mod twoway;
