//! Organisation design (机构设置改革, "中心" management): bodies and their kinds, the
//! function catalogue and its analysis (缺位、越位、错位), approved totals and their split,
//! and reorganisation plans applied by one pure function.
//!
//! - [`kinds`]: body kinds and statuses, function categories, review decisions.
//! - [`structure`]: a unit's structure at one date, and form input parsing.
//! - [`analysis`]: gaps, overreach and misplacement, with configurable kind rules.
//! - [`totals`]: caps (总量核定) and the per-phase split of middle posts.
//! - [`plan`]: plan operations, the workflow, and [`plan::apply`].
//! - [`compare`]: two structures side by side (two dates, or before/after a plan).

pub mod analysis;
pub mod compare;
pub mod kinds;
pub mod plan;
pub mod structure;
pub mod totals;

id_type! {
    /// A body (机构). Negative while only planned (a path segment is always positive).
    BodyId;
    /// A function item (职能事项).
    FunctionId;
    /// A reorganisation plan.
    PlanId;
}

pub use analysis::{FunctionIssue, IssueKind, KindRule};
pub use kinds::{BodyKind, BodyStatus, FunctionCategory, ReviewDecision};
pub use plan::{OpError, PlanOp, PlanStatus};
pub use structure::{
    Body, Caps, FunctionInput, FunctionItem, NameplateRecord, Split, SplitLine, Structure,
};
