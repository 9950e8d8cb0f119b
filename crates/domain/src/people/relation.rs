//! Declared relations between people (亲属关系): the closed list of concrete relations of
//! the kinship set of every 回避 rule (RULES-SELECTION-APPRAISAL §1.9.1 [S3], 公务员回避规定
//! (试行) art. 5; the same four categories in 公务员法 art. 74 [S]), each mapped to its
//! category ([`Kinship`]).
//!
//! A relation is recorded once, from one person's side: `relation` is what the relative is
//! to the person (`Parent`: the relative is the person's parent). The other side shows the
//! same record read the other way (see [`RelationKind::converse_label_key`]).

use crate::FieldError;
use crate::selection::eligibility::Kinship;

use super::PersonId;

closed_lists!("people/relation.toml");

impl RelationKind {
    /// The category of §1.9.1 the relation belongs to.
    pub fn kinship(self) -> Kinship {
        use RelationKind::*;
        match self {
            Spouse => Kinship::Spouse,
            Grandparent | MaternalGrandparent | Parent | Child | Grandchild
            | MaternalGrandchild => Kinship::Lineal,
            UncleAunt | Sibling | PaternalCousin | MaternalCousin | NephewNiece | SisterChild => {
                Kinship::Collateral
            }
            SpouseParent | SpouseSibling | SpouseSiblingSpouse | ChildSpouse
            | ChildSpouseParent | CollateralSpouse => Kinship::InLaw,
        }
    }

    /// The locale key of the relation read from the relative's side ("the person is the
    /// relative's …"): `people.relation_of.<code>`, e.g. `parent` → "子女 (recorded as
    /// 父母 by the other person)". Kept as a key of its own because some relations have no
    /// single converse in the list (伯叔姑舅姨 ↔ 侄子女 or 甥子女).
    pub fn converse_label_key(self) -> String {
        format!("people.relation_of.{}", self.code())
    }
}

/// Checks a relation to be recorded between `person` and `relative` of the same district:
/// not the person themself (`relative_id`/`relation_self`), and the kind parsed
/// (`relation`/`required`|`choice_invalid`).
pub fn parse_relation(
    person: PersonId,
    relative: PersonId,
    kind: &str,
) -> Result<RelationKind, Vec<FieldError>> {
    let mut errs = Vec::new();
    if person == relative {
        errs.push(FieldError::new("relative_id", "relation_self"));
    }
    let k = RelationKind::parse("relation", kind);
    match k {
        Ok(k) if errs.is_empty() => Ok(k),
        Ok(_) => Err(errs),
        Err(e) => {
            errs.push(e);
            Err(errs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// §1.9.1: every concrete relation falls in one of the four categories, with the counts
    /// of the rule's list (1 + 6 + 6 + 6).
    #[test]
    fn every_relation_has_its_category() {
        let count = |k: Kinship| {
            RelationKind::ALL
                .iter()
                .filter(|r| r.kinship() == k)
                .count()
        };
        assert_eq!(count(Kinship::Spouse), 1);
        assert_eq!(count(Kinship::Lineal), 6);
        assert_eq!(count(Kinship::Collateral), 6);
        assert_eq!(count(Kinship::InLaw), 6);
        assert_eq!(RelationKind::from_code("妻子"), Some(RelationKind::Spouse));
        assert_eq!(
            RelationKind::from_code("配偶的父母").map(RelationKind::kinship),
            Some(Kinship::InLaw)
        );
        assert_eq!(
            RelationKind::from_code("表兄弟姐妹").map(RelationKind::kinship),
            Some(Kinship::Collateral)
        );
    }

    #[test]
    fn bad_relations_name_the_field() {
        let codes = |r: Result<RelationKind, Vec<FieldError>>| {
            r.err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(parse_relation(PersonId(1), PersonId(1), "同事")),
            [
                ("relative_id".into(), "relation_self".into()),
                ("relation".into(), "choice_invalid".into())
            ]
        );
        assert_eq!(
            codes(parse_relation(PersonId(1), PersonId(2), " ")),
            [("relation".into(), "required".into())]
        );
        assert_eq!(
            parse_relation(PersonId(1), PersonId(2), "父亲"),
            Ok(RelationKind::Parent)
        );
    }
}
