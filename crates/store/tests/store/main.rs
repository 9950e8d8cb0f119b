//! The storage story, run against SQLite (always) and PostgreSQL (when
//! `JIGUAN_TEST_PG` names a server, e.g. `postgres://postgres@127.0.0.1:5432/postgres`;
//! CI runs these with `--ignored`). Each test gets a fresh database.
//!
//! One test binary (`cargo test -p jiguan-store --test store`): shared setup and the
//! `both!` macro in `helpers`, one file per module.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

mod appraisal;
mod dashboard;
mod dict;
mod downsizing;
mod inbox;
mod logs;
mod org;
mod pay;
mod people;
mod people_index;
mod platform;
mod posts;
mod report;
mod scale;
mod selection;
mod selection_campaign;
mod selection_scores;
mod selfsvc;
mod twoway;

mod people_relations;
mod posts_index;
mod relations;
mod selection_decision;
mod selection_officials;
