//! The analysis of the function catalogue (缺位、越位、错位): which items no body owns,
//! which a body performs although it should not, and which several bodies hold; each with
//! the action that fixes it.
//!
//! The rule "a body of kind K must not hold functions of category C" is a per-district list
//! (table `org_kind_rules`), because the policy parameter registry holds single values, not
//! lists of pairs. A district that has set no rule gets [`default_rules`].

use serde::{Deserialize, Serialize};

use super::kinds::{BodyKind, FunctionCategory, ReviewDecision};
use super::structure::Structure;
use super::{BodyId, FunctionId};

/// "Bodies of `kind` must not hold items of `category`."
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct KindRule {
    pub kind: BodyKind,
    pub category: FunctionCategory,
}

/// The rules a district starts with (local policy parameter): subordinate public
/// institutions and enterprise-managed units exercise no social-management (administrative)
/// power, and enterprise-managed units provide no public service on the agency's behalf
/// (地方各级人民政府机构设置和编制管理条例 art. 15 keeps administrative and public-institution
/// functions apart).
pub fn default_rules() -> Vec<KindRule> {
    vec![
        KindRule {
            kind: BodyKind::PublicInstitution,
            category: FunctionCategory::SocialManagement,
        },
        KindRule {
            kind: BodyKind::EnterpriseUnit,
            category: FunctionCategory::SocialManagement,
        },
        KindRule {
            kind: BodyKind::EnterpriseUnit,
            category: FunctionCategory::PublicService,
        },
    ]
}

closed_lists!("org/analysis.toml");

/// Why an item is an issue, and so what fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum IssueReason {
    /// Kept, but no active body owns it. Fix: assign an owner (补位).
    NoOwner,
    /// Removed or transferred, but still owned. Fix: take it off the owners (正位).
    NotPerformedButOwned { decision: ReviewDecision },
    /// Held by a body of a kind that may not hold the category. Fix: move it to a body of
    /// another kind (正位).
    KindMayNotHold {
        body: BodyId,
        kind: BodyKind,
        category: FunctionCategory,
    },
    /// Owned by several bodies. Fix: keep one owner (到位).
    SeveralOwners,
}

impl IssueReason {
    pub fn code(&self) -> &'static str {
        match self {
            IssueReason::NoOwner => "no_owner",
            IssueReason::NotPerformedButOwned { .. } => "not_performed_but_owned",
            IssueReason::KindMayNotHold { .. } => "kind_may_not_hold",
            IssueReason::SeveralOwners => "several_owners",
        }
    }
    /// Locale key of the explanation (`org.reason.<code>`) and of the fix (`org.fix.<code>`).
    pub fn fix_key(&self) -> String {
        format!("org.fix.{}", self.code())
    }
    pub fn text_key(&self) -> String {
        format!("org.reason.{}", self.code())
    }
}

/// One issue found in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionIssue {
    pub kind: IssueKind,
    pub item: FunctionId,
    pub code: String,
    pub title: String,
    /// The bodies concerned (owners, or the body breaking a rule).
    pub bodies: Vec<BodyId>,
    #[serde(flatten)]
    pub reason: IssueReason,
}

/// Every issue of a structure's catalogue, item by item in catalogue order. Owners that
/// are not active bodies are ignored (an item held only by an abolished body is a gap).
pub fn analyse(s: &Structure, rules: &[KindRule]) -> Vec<FunctionIssue> {
    let mut out = Vec::new();
    for f in &s.functions {
        let owners: Vec<BodyId> = f
            .owners
            .iter()
            .copied()
            .filter(|o| s.is_active(*o))
            .collect();
        let issue = |kind, bodies, reason| FunctionIssue {
            kind,
            item: f.id,
            code: f.code.clone(),
            title: f.title.clone(),
            bodies,
            reason,
        };
        if f.performed() {
            if owners.is_empty() {
                out.push(issue(IssueKind::Gap, vec![], IssueReason::NoOwner));
            }
        } else if !owners.is_empty() {
            let decision = f.decision.unwrap_or(ReviewDecision::Remove);
            out.push(issue(
                IssueKind::Overreach,
                owners.clone(),
                IssueReason::NotPerformedButOwned { decision },
            ));
        }
        for o in &owners {
            if let Some(b) = s.body(*o) {
                let rule = KindRule {
                    kind: b.kind,
                    category: f.category,
                };
                if rules.contains(&rule) {
                    out.push(issue(
                        IssueKind::Overreach,
                        vec![*o],
                        IssueReason::KindMayNotHold {
                            body: *o,
                            kind: b.kind,
                            category: f.category,
                        },
                    ));
                }
            }
        }
        if owners.len() > 1 {
            out.push(issue(
                IssueKind::Misplacement,
                owners,
                IssueReason::SeveralOwners,
            ));
        }
    }
    out
}

/// Issues counted by kind, in [`IssueKind::ALL`] order.
pub fn issue_counts(issues: &[FunctionIssue]) -> Vec<(IssueKind, i64)> {
    IssueKind::ALL
        .iter()
        .map(|k| (*k, issues.iter().filter(|i| i.kind == *k).count() as i64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::kinds::BodyStatus;
    use crate::org::structure::{Body, FunctionInput, FunctionItem};

    fn body(id: i64, kind: BodyKind, status: BodyStatus) -> Body {
        Body {
            status,
            ..Body::new(BodyId(id), format!("b{id}"), kind)
        }
    }

    fn item(
        id: i64,
        cat: FunctionCategory,
        owners: &[i64],
        d: Option<ReviewDecision>,
    ) -> FunctionItem {
        FunctionItem {
            id: FunctionId(id),
            input: FunctionInput {
                code: format!("F{id}"),
                title: format!("t{id}"),
                category: cat,
                legal_basis: String::new(),
                owners: owners.iter().map(|o| BodyId(*o)).collect(),
                decision: d,
                reason: String::new(),
            },
        }
    }

    #[test]
    fn finds_gaps_overreach_and_misplacement() {
        use FunctionCategory::*;
        use ReviewDecision::*;
        let s = Structure {
            bodies: vec![
                body(1, BodyKind::Centre, BodyStatus::Active),
                body(2, BodyKind::PublicInstitution, BodyStatus::Active),
                body(3, BodyKind::Office, BodyStatus::Abolished),
            ],
            functions: vec![
                item(10, PublicService, &[1], Some(Keep)),       // fine
                item(11, PublicService, &[], None),              // gap
                item(12, PublicService, &[3], Some(Strengthen)), // gap: owner abolished
                item(13, MicroManagement, &[1], Some(Remove)),   // overreach: removed
                item(14, SocialManagement, &[2], Some(Keep)),    // overreach: kind rule
                item(15, Economic, &[1, 2], Some(Keep)),         // misplacement
                item(16, Economic, &[], Some(Transfer)),         // fine: transferred, unowned
            ],
            ..Structure::default()
        };
        let issues = analyse(&s, &default_rules());
        let got: Vec<(i64, IssueKind, &str)> = issues
            .iter()
            .map(|i| (i.item.0, i.kind, i.reason.code()))
            .collect();
        assert_eq!(
            got,
            vec![
                (11, IssueKind::Gap, "no_owner"),
                (12, IssueKind::Gap, "no_owner"),
                (13, IssueKind::Overreach, "not_performed_but_owned"),
                (14, IssueKind::Overreach, "kind_may_not_hold"),
                (15, IssueKind::Misplacement, "several_owners"),
            ]
        );
        assert_eq!(
            issue_counts(&issues),
            vec![
                (IssueKind::Gap, 2),
                (IssueKind::Overreach, 2),
                (IssueKind::Misplacement, 1)
            ]
        );
        // Without the rule the public institution may hold social management.
        assert_eq!(analyse(&s, &[]).len(), 4);
    }
}
