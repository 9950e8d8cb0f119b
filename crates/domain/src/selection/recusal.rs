//! Recusal (回避, RULES-SELECTION-APPRAISAL §1.9): conflicts detected from recorded kinship,
//! who may not serve at all, and the interview panel left after recusals.
//!
//! - Kinship set: the four categories of [`Kinship`] (§1.9.1 [S3], 公务员回避规定 art. 5;
//!   公务员法 art. 74 [S]). Relations are declared between people and read both ways.
//! - Procedure recusal (§1.9.3 [S], 公务员法 arts. 76–77): a judge, inspection-team member,
//!   vote counter, 监票人 or committee member recuses on a matter involving their own interest
//!   or a relative. [`conflicts`] detects both from the record; [`undeclared`] lists the
//!   detected conflicts nobody declared, for the organiser to decide (a recusal may be
//!   declared, requested or decided without a request, art. 77).
//! - A candidate of the campaign cannot be a judge, counter or 监票人 in it (§1.9.4 [S3]):
//!   [`check_official`].
//! - The panel (§1.5.4 [K]): under `recusal_scope = post_group` (default) a judge recused for
//!   one candidate scores no candidate of the same post, so all rivals face the same panel;
//!   under `candidate` only that candidate. [`panel_for`] gives the judges who score.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::eligibility::Kinship;
use crate::FieldError;
use crate::people::PersonId;

closed_lists!("selection/recusal.toml");

/// A declared relation between two people (either order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub a: PersonId,
    pub b: PersonId,
    pub kind: Kinship,
}

/// Why an official must recuse on a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Ground {
    /// The official is the candidate (本人, §1.9.3 (a)).
    Own,
    /// A relative of the official (§1.9.3 (b)).
    Kin { kind: Kinship },
}

/// A detected conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Conflict {
    pub official: PersonId,
    pub candidate: PersonId,
    pub ground: Ground,
}

/// The conflicts of `official` with `candidates`, from the recorded relations.
pub fn conflicts(
    official: PersonId,
    candidates: &[PersonId],
    relations: &[Relation],
) -> Vec<Conflict> {
    let mut out = BTreeSet::new();
    for &c in candidates {
        if c == official {
            out.insert(Conflict {
                official,
                candidate: c,
                ground: Ground::Own,
            });
        }
        for r in relations {
            if (r.a == official && r.b == c) || (r.b == official && r.a == c) {
                out.insert(Conflict {
                    official,
                    candidate: c,
                    ground: Ground::Kin { kind: r.kind },
                });
            }
        }
    }
    out.into_iter().collect()
}

/// Detected conflicts that were not declared (`declared`: (official, candidate) pairs).
pub fn undeclared(detected: &[Conflict], declared: &[(PersonId, PersonId)]) -> Vec<Conflict> {
    detected
        .iter()
        .filter(|c| !declared.contains(&(c.official, c.candidate)))
        .copied()
        .collect()
}

/// Whether `person` may serve as `role` in a campaign whose candidates are `candidates`:
/// a candidate cannot be a judge, counter or 监票人 (§1.9.4 [S3]). Error: `official`/
/// `selection_candidate_as_official` (arg `role`).
pub fn check_official(
    role: OfficialRole,
    person: PersonId,
    candidates: &[PersonId],
) -> Result<(), FieldError> {
    let barred = matches!(
        role,
        OfficialRole::Judge | OfficialRole::Counter | OfficialRole::Scrutineer
    );
    if barred && candidates.contains(&person) {
        return Err(
            FieldError::new("official", "selection_candidate_as_official")
                .with("role", role.code()),
        );
    }
    Ok(())
}

/// The judges who score each candidate of one post, after recusals (`recused`: (judge,
/// candidate) pairs decided). Under [`RecusalScope::PostGroup`] a judge recused for any
/// candidate of the post scores none of them.
pub fn panel_for(
    scope: RecusalScope,
    judges: &[PersonId],
    candidates: &[PersonId],
    recused: &[(PersonId, PersonId)],
) -> BTreeMap<PersonId, Vec<PersonId>> {
    let in_post: BTreeSet<PersonId> = candidates.iter().copied().collect();
    let group_out: BTreeSet<PersonId> = recused
        .iter()
        .filter(|(_, c)| in_post.contains(c))
        .map(|(j, _)| *j)
        .collect();
    candidates
        .iter()
        .map(|&c| {
            let panel = judges
                .iter()
                .copied()
                .filter(|j| match scope {
                    RecusalScope::PostGroup => !group_out.contains(j),
                    RecusalScope::Candidate => !recused.contains(&(*j, c)),
                })
                .collect();
            (c, panel)
        })
        .collect()
}

impl Ground {
    /// The category of a detected ground, with the kinship for (b).
    pub fn category(self) -> (RecusalCategory, Option<Kinship>) {
        match self {
            Ground::Own => (RecusalCategory::Own, None),
            Ground::Kin { kind } => (RecusalCategory::Kin, Some(kind)),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::selection::plan::tests::plan;
    use crate::selection::scores::panel_ready;

    fn p(i: i64) -> PersonId {
        PersonId(i)
    }

    #[test]
    fn conflicts_come_from_recorded_kinship_both_ways() {
        let rel = [
            Relation {
                a: p(20),
                b: p(1),
                kind: Kinship::Spouse,
            },
            Relation {
                a: p(2),
                b: p(21),
                kind: Kinship::InLaw,
            },
        ];
        let c = conflicts(p(20), &[p(1), p(2), p(3)], &rel);
        assert_eq!(
            c,
            [Conflict {
                official: p(20),
                candidate: p(1),
                ground: Ground::Kin {
                    kind: Kinship::Spouse
                }
            }]
        );
        assert_eq!(conflicts(p(21), &[p(1), p(2)], &rel)[0].candidate, p(2));
        // Own interest: a committee member who is a candidate.
        assert_eq!(conflicts(p(3), &[p(3)], &rel)[0].ground, Ground::Own);
        assert!(conflicts(p(22), &[p(1), p(2)], &rel).is_empty());
        // A conflict nobody declared is listed for the organiser.
        let all = [
            conflicts(p(20), &[p(1)], &rel),
            conflicts(p(21), &[p(2)], &rel),
        ]
        .concat();
        let u = undeclared(&all, &[(p(20), p(1))]);
        assert_eq!(u.len(), 1);
        assert_eq!((u[0].official, u[0].candidate), (p(21), p(2)));
    }

    #[test]
    fn a_candidate_cannot_judge_count_or_scrutinise() {
        let cands = [p(1), p(2)];
        for r in [
            OfficialRole::Judge,
            OfficialRole::Counter,
            OfficialRole::Scrutineer,
        ] {
            assert_eq!(
                check_official(r, p(1), &cands).unwrap_err().code,
                "selection_candidate_as_official"
            );
            assert_eq!(check_official(r, p(9), &cands), Ok(()));
        }
        // A committee member who is a candidate recuses on the item instead.
        assert_eq!(
            check_official(OfficialRole::CommitteeMember, p(1), &cands),
            Ok(())
        );
    }

    /// §1.5.4: with `post_group`, a judge recused for one candidate scores no rival; if the
    /// panel falls below `judges_min`, the interview cannot start.
    #[test]
    fn recusal_scope_and_panel_floor() {
        let judges: Vec<PersonId> = (11..=17).map(p).collect(); // 7 judges
        let cands = [p(1), p(2), p(3)];
        let recused = [(p(11), p(1)), (p(12), p(9))]; // 12's recusal is for another post
        let g = panel_for(RecusalScope::PostGroup, &judges, &cands, &recused);
        assert!(g.values().all(|v| v.len() == 6 && !v.contains(&p(11))));
        let c = panel_for(RecusalScope::Candidate, &judges, &cands, &recused);
        assert_eq!((c[&p(1)].len(), c[&p(2)].len()), (6, 7));
        // Six judges left of an odd panel of at least 5: blocked until a substitute joins.
        let pl = plan();
        assert!(panel_ready(&pl, g[&p(1)].len() as u32).is_err());
        let two_out = [(p(11), p(1)), (p(12), p(2))];
        let g = panel_for(RecusalScope::PostGroup, &judges, &cands, &two_out);
        assert_eq!(panel_ready(&pl, g[&p(3)].len() as u32), Ok(()));
        let four_out: Vec<(PersonId, PersonId)> = (11..=13)
            .map(|j| (p(j), p(1)))
            .chain([(p(14), p(2))])
            .collect();
        let g = panel_for(RecusalScope::PostGroup, &judges, &cands, &four_out);
        assert_eq!(
            panel_ready(&pl, g[&p(3)].len() as u32).unwrap_err().code,
            "selection_panel_too_small"
        );
    }

    /// §1.9.5: a detected ground is logged with its category and, for kin, the kinship.
    #[test]
    fn a_detected_ground_has_its_category() {
        assert_eq!(Ground::Own.category(), (RecusalCategory::Own, None));
        assert_eq!(
            Ground::Kin {
                kind: Kinship::InLaw
            }
            .category(),
            (RecusalCategory::Kin, Some(Kinship::InLaw))
        );
        assert_eq!(
            RecusalSource::from_code("本人申请"),
            Some(RecusalSource::Declared)
        );
        assert_eq!(
            RecusalCategory::parse("recusal_category", "")
                .unwrap_err()
                .code,
            "required"
        );
    }
}
