//! Two structures side by side: on two dates, or before and after a plan. Bodies are
//! matched by id, so a renamed body is the same body.

use serde::Serialize;

use super::BodyId;
use super::analysis::{IssueKind, KindRule, analyse, issue_counts};
use super::kinds::BodyKind;
use super::structure::{Counts, Structure};
use super::totals::{CapBreach, cap_breaches};

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    pub counts: Counts,
    pub issues: Vec<(IssueKind, i64)>,
    pub breaches: Vec<CapBreach>,
}

impl Side {
    pub fn of(s: &Structure, rules: &[KindRule]) -> Side {
        Side {
            counts: s.counts(),
            issues: issue_counts(&analyse(s, rules)),
            breaches: cap_breaches(s),
        }
    }

    pub fn kind_count(&self, k: BodyKind) -> i64 {
        self.counts
            .by_kind
            .iter()
            .find(|(x, _)| *x == k)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }

    pub fn issue_count(&self, k: IssueKind) -> i64 {
        self.issues
            .iter()
            .find(|(x, _)| *x == k)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }
}

/// A comparison of two structures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub a: Side,
    pub b: Side,
    /// Active in `b` but not in `a` (name).
    pub added: Vec<(BodyId, String)>,
    /// Active in `a` but not in `b` (name, and status code in `b` when known).
    pub removed: Vec<(BodyId, String, String)>,
    /// Active on both sides under another name (old, new).
    pub renamed: Vec<(BodyId, String, String)>,
}

pub fn compare(a: &Structure, b: &Structure, rules: &[KindRule]) -> Comparison {
    let added = b
        .active()
        .filter(|x| !a.is_active(x.id))
        .map(|x| (x.id, x.name.clone()))
        .collect();
    let removed = a
        .active()
        .filter(|x| !b.is_active(x.id))
        .map(|x| {
            let st = b
                .body(x.id)
                .map(|y| y.status.code().to_string())
                .unwrap_or_default();
            (x.id, x.name.clone(), st)
        })
        .collect();
    let renamed = a
        .active()
        .filter_map(|x| {
            b.body(x.id)
                .filter(|y| y.is_active() && y.name != x.name)
                .map(|y| (x.id, x.name.clone(), y.name.clone()))
        })
        .collect();
    Comparison {
        a: Side::of(a, rules),
        b: Side::of(b, rules),
        added,
        removed,
        renamed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::kinds::BodyStatus;
    use crate::org::structure::Body;

    fn body(id: i64, name: &str, kind: BodyKind, status: BodyStatus) -> Body {
        Body {
            status,
            ..Body::new(BodyId(id), name, kind)
        }
    }

    #[test]
    fn lists_added_removed_and_renamed() {
        let a = Structure {
            bodies: vec![
                body(1, "党政办", BodyKind::Office, BodyStatus::Active),
                body(2, "农机站", BodyKind::PublicInstitution, BodyStatus::Active),
            ],
            ..Structure::default()
        };
        let b = Structure {
            bodies: vec![
                body(1, "党政综合办", BodyKind::Office, BodyStatus::Active),
                body(
                    2,
                    "农机站",
                    BodyKind::PublicInstitution,
                    BodyStatus::Merged(BodyId(3)),
                ),
                body(3, "农业服务中心", BodyKind::Centre, BodyStatus::Active),
            ],
            ..Structure::default()
        };
        let c = compare(&a, &b, &[]);
        assert_eq!(c.added, vec![(BodyId(3), "农业服务中心".into())]);
        assert_eq!(
            c.removed,
            vec![(BodyId(2), "农机站".into(), "merged".into())]
        );
        assert_eq!(
            c.renamed,
            vec![(BodyId(1), "党政办".into(), "党政综合办".into())]
        );
        assert_eq!(c.a.kind_count(BodyKind::PublicInstitution), 1);
        assert_eq!(c.b.kind_count(BodyKind::Centre), 1);
    }
}
