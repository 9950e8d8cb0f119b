//! Approved totals (总量核定): the district sets per unit a cap on bodies and on middle
//! posts (中层正职, 副职); the unit splits its middle posts among its bodies per phase
//! (阶段) and may re-split. A split whose sum exceeds a cap is refused, naming the sum and
//! the cap.

use serde::Serialize;

use super::BodyId;
use super::structure::{Caps, DOC_MAX, SplitLine, Structure, count_field, optional_text};
use crate::FieldError;
use crate::error::{Errors, required_text};

/// Largest cap the forms accept.
pub const CAP_MAX: i64 = 1000;

impl Caps {
    pub fn parse(
        max_bodies: &str,
        max_chiefs: &str,
        max_deputies: &str,
        doc_no: &str,
    ) -> Result<Caps, Vec<FieldError>> {
        let mut errs = Errors::new();
        let req = |f: &str, v: &str| {
            if v.trim().is_empty() {
                Err(FieldError::new(f, "required"))
            } else {
                count_field(f, v, CAP_MAX, 0)
            }
        };
        let b = errs.take(req("max_bodies", max_bodies));
        let c = errs.take(req("max_chiefs", max_chiefs));
        let d = errs.take(req("max_deputies", max_deputies));
        let doc = errs.take(optional_text("doc_no", doc_no, DOC_MAX));
        match (b, c, d, doc) {
            (Some(max_bodies), Some(max_chiefs), Some(max_deputies), Some(doc_no))
                if errs.is_empty() =>
            {
                Ok(Caps {
                    max_bodies,
                    max_chiefs,
                    max_deputies,
                    doc_no,
                })
            }
            _ => Err(errs.0),
        }
    }
}

/// Parses a phase name.
pub fn parse_phase(v: &str) -> Result<String, FieldError> {
    required_text("phase", v, 40)
}

/// Checks a split against the caps in force and the active bodies of `s`. Errors name the
/// field (`chiefs`, `deputies`, `lines`) and carry `sum` and `cap`.
pub fn validate_split(
    s: &Structure,
    caps: Option<&Caps>,
    lines: &[SplitLine],
) -> Result<(), Vec<FieldError>> {
    let mut errs = Errors::new();
    let Some(caps) = caps else {
        return Err(vec![FieldError::new("lines", "no_caps")]);
    };
    let mut seen: Vec<BodyId> = Vec::new();
    for l in lines {
        if l.chiefs < 0 || l.deputies < 0 {
            errs.push(
                FieldError::new("lines", "out_of_range")
                    .with("min", 0)
                    .with("max", CAP_MAX),
            );
        }
        match s.body(l.body) {
            Some(b) if b.is_active() => {}
            Some(b) => errs.push(FieldError::new("lines", "body_inactive").with("name", &b.name)),
            None => errs.push(FieldError::new("lines", "choice_invalid")),
        }
        if seen.contains(&l.body) {
            errs.push(FieldError::new("lines", "duplicate"));
        }
        seen.push(l.body);
    }
    let chiefs: i64 = lines.iter().map(|l| l.chiefs).sum();
    let deputies: i64 = lines.iter().map(|l| l.deputies).sum();
    if chiefs > caps.max_chiefs {
        errs.push(
            FieldError::new("chiefs", "split_over_cap")
                .with("sum", chiefs)
                .with("cap", caps.max_chiefs),
        );
    }
    if deputies > caps.max_deputies {
        errs.push(
            FieldError::new("deputies", "split_over_cap")
                .with("sum", deputies)
                .with("cap", caps.max_deputies),
        );
    }
    errs.into_result()
}

/// A cap a structure breaks, or a split line that no longer fits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "breach")]
pub enum CapBreach {
    /// More active bodies than the cap.
    Bodies { count: i64, cap: i64 },
    /// The split gives more chief posts than the cap.
    Chiefs { sum: i64, cap: i64 },
    /// The split gives more deputy posts than the cap.
    Deputies { sum: i64, cap: i64 },
    /// The split in force gives posts to a body that is no longer active: re-split.
    SplitOnInactive { body: BodyId, name: String },
}

impl CapBreach {
    pub fn code(&self) -> &'static str {
        match self {
            CapBreach::Bodies { .. } => "bodies",
            CapBreach::Chiefs { .. } => "chiefs",
            CapBreach::Deputies { .. } => "deputies",
            CapBreach::SplitOnInactive { .. } => "split_on_inactive",
        }
    }
    /// Locale key `org.breach.<code>` and its arguments.
    pub fn message(&self) -> (String, Vec<(String, String)>) {
        let a = |k: &str, v: String| (k.to_string(), v);
        let args = match self {
            CapBreach::Bodies { count, cap } => {
                vec![a("sum", count.to_string()), a("cap", cap.to_string())]
            }
            CapBreach::Chiefs { sum, cap } | CapBreach::Deputies { sum, cap } => {
                vec![a("sum", sum.to_string()), a("cap", cap.to_string())]
            }
            CapBreach::SplitOnInactive { name, .. } => vec![a("name", name.clone())],
        };
        (format!("org.breach.{}", self.code()), args)
    }
}

/// Every cap the structure breaks (none when no caps are set).
pub fn cap_breaches(s: &Structure) -> Vec<CapBreach> {
    let mut out = Vec::new();
    let Some(c) = &s.caps else {
        return out;
    };
    let count = s.active().count() as i64;
    if count > c.max_bodies {
        out.push(CapBreach::Bodies {
            count,
            cap: c.max_bodies,
        });
    }
    if let Some(sp) = &s.split {
        if sp.chiefs() > c.max_chiefs {
            out.push(CapBreach::Chiefs {
                sum: sp.chiefs(),
                cap: c.max_chiefs,
            });
        }
        if sp.deputies() > c.max_deputies {
            out.push(CapBreach::Deputies {
                sum: sp.deputies(),
                cap: c.max_deputies,
            });
        }
        for l in &sp.lines {
            if !s.is_active(l.body) && (l.chiefs > 0 || l.deputies > 0) {
                out.push(CapBreach::SplitOnInactive {
                    body: l.body,
                    name: s.name_of(l.body),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::kinds::{BodyKind, BodyStatus};
    use crate::org::structure::Body;
    use proptest::prelude::*;

    fn unit(n: i64) -> Structure {
        Structure {
            bodies: (1..=n)
                .map(|i| Body {
                    id: BodyId(i),
                    name: format!("b{i}"),
                    short_name: String::new(),
                    kind: BodyKind::Centre,
                    parent: None,
                    status: if i == n {
                        BodyStatus::Abolished
                    } else {
                        BodyStatus::Active
                    },
                    establishment: 0,
                    head: String::new(),
                    doc_no: String::new(),
                    records: vec![],
                })
                .collect(),
            ..Structure::default()
        }
    }

    fn caps(b: i64, c: i64, d: i64) -> Caps {
        Caps {
            max_bodies: b,
            max_chiefs: c,
            max_deputies: d,
            doc_no: String::new(),
        }
    }

    fn line(b: i64, c: i64, d: i64) -> SplitLine {
        SplitLine {
            body: BodyId(b),
            chiefs: c,
            deputies: d,
        }
    }

    #[test]
    fn over_cap_split_names_the_numbers() {
        let s = unit(4);
        let e = validate_split(&s, Some(&caps(9, 3, 4)), &[line(1, 2, 2), line(2, 2, 2)])
            .err()
            .unwrap_or_default();
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str(), e[0].args.clone()),
            (
                "chiefs",
                "split_over_cap",
                vec![("sum".into(), "4".into()), ("cap".into(), "3".into())]
            )
        );
        assert!(validate_split(&s, Some(&caps(9, 4, 4)), &[line(1, 2, 2), line(2, 2, 2)]).is_ok());
        // An abolished body cannot receive posts; no caps, no split.
        let e = validate_split(&s, Some(&caps(9, 9, 9)), &[line(4, 1, 0)]).err();
        assert_eq!(e.map(|e| e[0].code.clone()), Some("body_inactive".into()));
        assert!(validate_split(&s, None, &[]).is_err());
    }

    #[test]
    fn caps_parse_requires_every_number() {
        let e = Caps::parse("", "x", "-2", "").err().unwrap_or_default();
        let got: Vec<&str> = e.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(got, vec!["required", "integer_invalid", "out_of_range"]);
    }

    proptest! {
        #[test]
        fn accepted_splits_never_exceed_the_caps(
            cap_c in 0i64..20, cap_d in 0i64..20,
            lines in proptest::collection::vec((1i64..6, 0i64..8, 0i64..8), 0..6),
        ) {
            let s = unit(6);
            let ls: Vec<SplitLine> = lines.iter().map(|(b, c, d)| line(*b, *c, *d)).collect();
            let c = caps(50, cap_c, cap_d);
            if validate_split(&s, Some(&c), &ls).is_ok() {
                prop_assert!(ls.iter().map(|l| l.chiefs).sum::<i64>() <= cap_c);
                prop_assert!(ls.iter().map(|l| l.deputies).sum::<i64>() <= cap_d);
                prop_assert!(ls.iter().all(|l| s.is_active(l.body)));
            } else {
                let sc: i64 = ls.iter().map(|l| l.chiefs).sum();
                let sd: i64 = ls.iter().map(|l| l.deputies).sum();
                let mut bodies: Vec<i64> = ls.iter().map(|l| l.body.0).collect();
                bodies.sort();
                bodies.dedup();
                prop_assert!(sc > cap_c || sd > cap_d || bodies.len() < ls.len()
                    || ls.iter().any(|l| !s.is_active(l.body)));
            }
        }
    }
}
