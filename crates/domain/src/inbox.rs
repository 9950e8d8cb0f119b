//! The inbox (待办与通知): what waits for someone, and what they were told.
//!
//! Two kinds of item, one list per person:
//!
//! - **To-dos (待办)** are not stored: they are derived from the current state. A record of a
//!   workflow in a status from which a [`WAITING`] step leaves waits for everyone who may take
//!   that step in the record's unit (a submitted plan waits for the district's approvers; an
//!   approved downsizing plan waits for the unit that applies it). When the step is taken,
//!   the to-do is gone. A module with a [`Workflow`] gets its to-dos by one line in
//!   [`FLOWS`]; a module whose waiting items are not workflow statuses (a ballot to cast, a
//!   publicity period ending) adds its own source in the app's inbox.
//! - **Notices (通知)** are stored rows ([`NewNotice`]): written in the same transaction as
//!   the change they report, addressed to a [`Recipient`] (a user, or a role in a unit or at
//!   the district), read or unread per reader. A workflow decision (approve, reject) sends
//!   one to the unit that submitted ([`decision_notice`]).
//!
//! The kind of an item is a stable code, `<workflow>.<step>` for workflow items
//! (`org.plan.approve`), so the page finds its text under `inbox.todo.<code>` or
//! `inbox.notice.<code>`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::audit::ObjectKind;
use crate::auth::{Actor, Level, Role};
use crate::tenancy::{UnitId, UserId};
use crate::workflow::{
    DOWNSIZING_PLANS, Edge, Move, ORG_PLANS, Status, Step, TWOWAY_ROUNDS, Workflow,
};

id_type! {
    /// A stored notice (通知).
    NoticeId;
}

closed_lists!("inbox.toml");

/// Who a notice is for: one user, or the accounts of the audience (all of them, or those
/// holding `role`). The unit of the audience is the notice's unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    pub audience: Audience,
    pub role: Option<Role>,
    pub user: Option<UserId>,
}

impl Recipient {
    /// The accounts of `unit` holding `role`.
    pub fn unit_role(role: Role) -> Self {
        Recipient {
            audience: Audience::Unit,
            role: Some(role),
            user: None,
        }
    }

    /// The district's accounts holding `role`.
    pub fn district_role(role: Role) -> Self {
        Recipient {
            audience: Audience::District,
            role: Some(role),
            user: None,
        }
    }

    /// Whether a notice of `unit` with this recipient reaches `actor` (same district assumed).
    pub fn reaches(&self, actor: &Actor, unit: UnitId) -> bool {
        if let Some(u) = self.user {
            return u == actor.user_id;
        }
        let place = match self.audience {
            Audience::District => actor.unit_id.is_none(),
            Audience::Unit => actor.unit_id == Some(unit),
        };
        place && self.role.is_none_or(|r| actor.roles.contains(&r))
    }
}

/// A notice to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    pub unit_id: UnitId,
    pub recipient: Recipient,
    /// Stable code (`org.plan.approve`): the text is `inbox.notice.<kind>`.
    pub kind: String,
    pub object: ObjectKind,
    pub object_id: i64,
    /// Where the notice leads (a path of the web application).
    pub link: String,
    /// Values the text shows (`title`, `comment` …).
    pub params: BTreeMap<String, String>,
    pub at: DateTime<Utc>,
}

/// The workflows whose records become to-dos, with the object kind of their records.
pub static FLOWS: &[(&Workflow, ObjectKind)] = &[
    (&ORG_PLANS, ObjectKind::ReorgPlan),
    (&DOWNSIZING_PLANS, ObjectKind::DownsizingPlan),
    (&TWOWAY_ROUNDS, ObjectKind::TwowayRound),
    (
        &crate::workflow::APPRAISAL_CYCLES,
        ObjectKind::AppraisalCycle,
    ),
];

/// The steps someone is waiting for: a record in a status one of them leaves from is a
/// to-do of whoever may take it. (Submitting a draft and reopening a rejected plan are the
/// owner's own work, not something another person waits for.)
pub const WAITING: &[Step] = &[Step::Approve, Step::Apply];

/// The statuses of `flow` that wait, each with the step that ends the wait.
pub fn waiting(flow: &Workflow) -> Vec<(Status, &Edge)> {
    let mut out: Vec<(Status, &Edge)> = Vec::new();
    for e in flow.edges.iter().filter(|e| WAITING.contains(&e.step)) {
        for s in e.from {
            if !out.iter().any(|(o, _)| o == s) {
                out.push((*s, e));
            }
        }
    }
    out
}

/// The item code of a workflow step: `<workflow>.<step>`.
pub fn code(flow: &Workflow, step: Step) -> String {
    format!("{}.{}", flow.name, step.code())
}

/// The page of an object, if it has one.
pub fn link(object: ObjectKind, unit: UnitId, id: i64) -> Option<String> {
    match object {
        ObjectKind::ReorgPlan => Some(format!("/units/{unit}/org/plans/{id}")),
        ObjectKind::DownsizingPlan => Some(format!("/units/{unit}/downsizing/{id}")),
        ObjectKind::AppraisalCycle => Some(format!("/units/{unit}/appraisal/{id}")),
        ObjectKind::SelectionCampaign => Some(format!("/units/{unit}/selection/campaigns/{id}")),
        ObjectKind::PayRun => Some(format!("/units/{unit}/pay/{id}")),
        ObjectKind::TwowayRound => Some(format!("/units/{unit}/twoway/{id}")),
        ObjectKind::Person => Some(format!("/units/{unit}/people/{id}")),
        ObjectKind::Unit => Some(format!("/units/{unit}")),
        _ => None,
    }
}

/// The unit-level roles that take `step` of `flow` (who submitted a plan, say).
pub fn unit_roles(flow: &Workflow, step: Step) -> Vec<Role> {
    match flow.action(step) {
        Some(a) => Role::ALL
            .iter()
            .copied()
            .filter(|r| r.fits(Level::Unit) && r.grants(a))
            .collect(),
        None => Vec::new(),
    }
}

/// The notice a move sends: a decision (approved, rejected) goes to the unit's accounts
/// that submit the plan (单位管理员), with the plan's title and the district's comment (the
/// reason of a rejection, the 文号 of an approval). Other moves send none.
pub fn decision_notice(
    flow: &Workflow,
    object: ObjectKind,
    unit: UnitId,
    m: &Move,
    title: &str,
) -> Vec<NewNotice> {
    if !m.to.is_decision() {
        return Vec::new();
    }
    let mut params = BTreeMap::new();
    params.insert("title".to_string(), title.to_string());
    params.insert("comment".to_string(), m.comment().to_string());
    unit_roles(flow, Step::Submit)
        .into_iter()
        .map(|role| NewNotice {
            unit_id: unit,
            recipient: Recipient::unit_role(role),
            kind: code(flow, m.step),
            object,
            object_id: m.id,
            link: link(object, unit, m.id).unwrap_or_else(|| format!("/units/{unit}")),
            params: params.clone(),
            at: m.at,
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::tenancy::DistrictId;
    use crate::workflow::StepInput;

    fn actor(unit: Option<i64>, roles: &[Role]) -> Actor {
        Actor {
            user_id: UserId(7),
            username: "u".into(),
            display_name: "U".into(),
            district_id: DistrictId(1),
            unit_id: unit.map(UnitId),
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn submitted_plans_wait_for_the_district_and_approved_downsizing_for_the_unit() {
        let org = waiting(&ORG_PLANS);
        assert_eq!(
            org.iter()
                .map(|(s, e)| (*s, e.step, e.action))
                .collect::<Vec<_>>(),
            vec![
                (
                    Status::Submitted,
                    Step::Approve,
                    crate::auth::Action::OrgApprove
                ),
                (
                    Status::Approved,
                    Step::Apply,
                    crate::auth::Action::OrgApprove
                ),
            ]
        );
        let down = waiting(&DOWNSIZING_PLANS);
        assert!(
            down.iter().any(|(s, e)| *s == Status::Approved
                && e.action == crate::auth::Action::DownsizingManage)
        );
        assert!(!down.iter().any(|(s, _)| *s == Status::Draft));
    }

    #[test]
    fn a_decision_notifies_the_units_admins_and_nothing_else_does() {
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let input = StepInput {
            reason: Some("缺少依据".into()),
            ..StepInput::default()
        };
        let m = ORG_PLANS
            .start(Step::Reject, 5, Status::Submitted, "district", at, input)
            .expect("reject");
        let n = decision_notice(&ORG_PLANS, ObjectKind::ReorgPlan, UnitId(3), &m, "合并");
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].kind, "org.plan.reject");
        assert_eq!(n[0].link, "/units/3/org/plans/5");
        assert_eq!(n[0].params["comment"], "缺少依据");
        assert_eq!(n[0].recipient, Recipient::unit_role(Role::UnitAdmin));
        let submit = ORG_PLANS
            .start(
                Step::Submit,
                5,
                Status::Draft,
                "town",
                at,
                StepInput::default(),
            )
            .expect("submit");
        assert!(
            decision_notice(&ORG_PLANS, ObjectKind::ReorgPlan, UnitId(3), &submit, "x").is_empty()
        );
    }

    #[test]
    fn a_recipient_reaches_only_its_place_and_role() {
        let r = Recipient::unit_role(Role::UnitAdmin);
        assert!(r.reaches(&actor(Some(3), &[Role::UnitAdmin]), UnitId(3)));
        assert!(!r.reaches(&actor(Some(4), &[Role::UnitAdmin]), UnitId(3)));
        assert!(!r.reaches(&actor(Some(3), &[Role::Staff]), UnitId(3)));
        assert!(!r.reaches(&actor(None, &[Role::DistrictAdmin]), UnitId(3)));
        let d = Recipient::district_role(Role::DistrictAdmin);
        assert!(d.reaches(&actor(None, &[Role::DistrictAdmin]), UnitId(3)));
        assert!(!d.reaches(&actor(Some(3), &[Role::UnitAdmin]), UnitId(3)));
        let one = Recipient {
            audience: Audience::Unit,
            role: None,
            user: Some(UserId(7)),
        };
        assert!(one.reaches(&actor(Some(9), &[Role::Staff]), UnitId(3)));
    }
}
