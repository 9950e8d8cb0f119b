//! The web layer's guarded behaviour, through the real router on a temp SQLite database.
//! The role and tenancy tests are generated from the route table, so a new route is
//! covered the moment it is declared.
//!
//! One test binary (`cargo test -p jiguan-web --test web`): shared setup in `helpers`,
//! one file per module.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

mod appraisal;
mod dict;
mod downsizing;
mod guard;
mod inbox;
mod kit;
mod logs;
mod org;
mod pay;
mod people;
mod platform;
mod posts;
mod report;
mod selection;
mod selection_campaign;
mod selection_scores;
mod selfsvc;
mod sessions;
mod twoway;

mod people_relations;
mod selection_decision;
mod selection_officials;
