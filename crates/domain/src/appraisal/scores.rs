//! Indicators, raters and the weighted score (APR-1 procedure; §4.7 lessons: weights are
//! data, a Decimal weighted sum; a component may be absent without diluting the result).
//!
//! A score is built in two levels:
//!
//! 1. each rater kind's score of a participant is the average of its raters' totals, a
//!    rater's total being the indicator scores weighted by the indicator set's weights;
//! 2. the participant's score is the rater kinds' scores weighted by the cycle's rater
//!    weights, over the kinds that scored (the weights of absent kinds are left out of the
//!    denominator), then for an annual cycle blended with the periodic average by the
//!    parameter weight `appraisal.periodic_weight_pct` (APR-4: 平时考核 feeds the annual).
//!
//! Every step is a [`Line`]: who (the rater kind and the rater's name, or 匿名 for
//! colleagues), the weight, the value and its source, so the page can explain the figure.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::error::{Errors, required_text};
use crate::rules::selection::round_score;

/// Longest indicator name and target text.
pub const INDICATOR_MAX: usize = 50;
pub const TARGET_MAX: usize = 200;
/// Most indicators in one set.
pub const INDICATORS_MAX: usize = 20;
/// Default weight of the periodic results in the annual score (percent).
pub const PERIODIC_WEIGHT_PCT: u32 = 30;

closed_lists!("appraisal/scores.toml");

/// The five customary dimensions (德、能、勤、绩、廉) with the usual weights (绩 heaviest), the
/// default set a unit may replace with its own.
pub const DEFAULT_INDICATORS: &[(&str, u32)] =
    &[("德", 20), ("能", 20), ("勤", 15), ("绩", 35), ("廉", 10)];

/// The default rater weights (percent): 述职 10, 机构负责人 30, 民主测评 30, 领导班子 30.
pub const DEFAULT_RATER_WEIGHTS: &[(RaterKind, u32)] = &[
    (RaterKind::SelfSummary, 10),
    (RaterKind::BodyHead, 30),
    (RaterKind::Colleagues, 30),
    (RaterKind::Leadership, 30),
];

/// One indicator of a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub name: String,
    /// Percent; the weights of a set sum to 100.
    pub weight: Decimal,
    /// The target (目标) in words.
    pub target: String,
}

/// An indicator set as entered: one line per indicator, `name,weight,target`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct IndicatorSetForm {
    pub name: String,
    /// The post level it applies to (free text such as 中层正职, 一般干部; blank: every level).
    pub post_level: String,
    /// `德,20,政治坚定` per line.
    pub lines: String,
}

/// A checked indicator set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorSet {
    pub name: String,
    pub post_level: String,
    pub indicators: Vec<Indicator>,
}

/// Parses a weight: a decimal 0–100 with at most two decimals.
pub fn parse_weight(field: &str, s: &str) -> Result<Decimal, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    match t.parse::<Decimal>() {
        Ok(w) if w >= Decimal::ZERO && w <= Decimal::ONE_HUNDRED && w.scale() <= 2 => Ok(w),
        Ok(_) => Err(FieldError::new(field, "out_of_range")
            .with("min", 0)
            .with("max", 100)),
        Err(_) => Err(FieldError::new(field, "number_invalid")),
    }
}

/// Parses a score: 0–100, at most two decimals. Errors `required`, `number_invalid`,
/// `out_of_range`.
pub fn parse_score(field: &str, s: &str) -> Result<Decimal, FieldError> {
    parse_weight(field, s)
}

/// Weights that must sum to exactly 100. Error on `field`: `weights_sum` with `sum`.
pub fn check_sum(field: &str, weights: impl Iterator<Item = Decimal>) -> Result<(), FieldError> {
    let sum: Decimal = weights.sum();
    if sum == Decimal::ONE_HUNDRED {
        Ok(())
    } else {
        Err(FieldError::new(field, "weights_sum").with("sum", sum.normalize()))
    }
}

impl IndicatorSetForm {
    /// The default 德能勤绩廉 set.
    pub fn default_set(post_level: &str) -> Self {
        IndicatorSetForm {
            name: "德能勤绩廉".into(),
            post_level: post_level.into(),
            lines: DEFAULT_INDICATORS
                .iter()
                .map(|(n, w)| format!("{n},{w},"))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// Every error at once: `name`, `post_level` (length), `lines[i].name|weight|target`,
    /// `lines` (`required` when empty, `out_of_range` over 20, `weights_sum`, `duplicate`).
    pub fn parse(&self) -> Result<IndicatorSet, Vec<FieldError>> {
        let mut errs = Errors::new();
        let name = errs.take(required_text("name", &self.name, INDICATOR_MAX));
        let post_level = self.post_level.trim().to_string();
        if post_level.chars().count() > INDICATOR_MAX {
            errs.push(FieldError::new("post_level", "too_long").with("max", INDICATOR_MAX));
        }
        let mut indicators: Vec<Indicator> = Vec::new();
        let lines: Vec<&str> = self
            .lines
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            errs.push(FieldError::new("lines", "required"));
        }
        if lines.len() > INDICATORS_MAX {
            errs.push(FieldError::new("lines", "out_of_range").with("max", INDICATORS_MAX));
        }
        for (i, l) in lines.iter().enumerate() {
            let mut parts = l.splitn(3, [',', '，']);
            let n = errs.take(required_text(
                &format!("lines[{i}].name"),
                parts.next().unwrap_or(""),
                INDICATOR_MAX,
            ));
            let w = errs.take(parse_weight(
                &format!("lines[{i}].weight"),
                parts.next().unwrap_or(""),
            ));
            let target = parts.next().unwrap_or("").trim().to_string();
            if target.chars().count() > TARGET_MAX {
                errs.push(
                    FieldError::new(format!("lines[{i}].target"), "too_long")
                        .with("max", TARGET_MAX),
                );
            }
            if let (Some(name), Some(weight)) = (n, w) {
                if indicators.iter().any(|x| x.name == name) {
                    errs.push(FieldError::new(format!("lines[{i}].name"), "duplicate"));
                }
                indicators.push(Indicator {
                    name,
                    weight,
                    target,
                });
            }
        }
        if errs.is_empty() {
            errs.take(check_sum("lines", indicators.iter().map(|i| i.weight)));
        }
        errs.into_result()?;
        Ok(IndicatorSet {
            name: name.unwrap_or_default(),
            post_level,
            indicators,
        })
    }
}

/// One rater's scores of one participant: by indicator name, or one overall value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RaterScore {
    pub kind: RaterKind,
    /// The rater's name, or `None` for an anonymous colleague.
    pub rater: Option<String>,
    pub source: Source,
    /// Indicator name → score; an empty map with `overall` set is an overall score.
    pub by_indicator: BTreeMap<String, Decimal>,
    pub overall: Option<Decimal>,
}

/// One explained step of a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub kind: RaterKind,
    /// The rater's name; `None`: anonymous (民主测评) or an average.
    pub rater: Option<String>,
    pub source: Source,
    /// The value this line contributes before weighting (0–100).
    pub value: Decimal,
    /// The weight the line carries (percent of its level; 0 for a rater line averaged
    /// inside its kind).
    pub weight: Decimal,
}

/// A participant's score with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explained {
    /// Rounded to two decimals; `None` when nobody scored.
    pub score: Option<Decimal>,
    /// Each rater's total (weight 0: averaged within the kind), then each kind's average
    /// with its weight, then the periodic blend.
    pub lines: Vec<Line>,
}

/// A rater's total: Σ indicator score × weight / 100 over the set, or the overall score.
/// Indicators the rater left blank are left out and the remaining weights rescaled (a
/// component absent does not dilute). `None` when nothing usable was given.
pub fn rater_total(set: &[Indicator], s: &RaterScore) -> Option<Decimal> {
    if s.by_indicator.is_empty() {
        return s.overall;
    }
    let mut sum = Decimal::ZERO;
    let mut w = Decimal::ZERO;
    for i in set {
        if let Some(v) = s.by_indicator.get(&i.name) {
            sum += *v * i.weight;
            w += i.weight;
        }
    }
    (w > Decimal::ZERO).then(|| sum / w)
}

/// Σ value × weight / Σ weight over the parts with a value (absent parts left out).
fn weighted(parts: &[(Decimal, Decimal)]) -> Option<Decimal> {
    let w: Decimal = parts.iter().map(|p| p.1).sum();
    (w > Decimal::ZERO).then(|| parts.iter().map(|(v, w)| v * w).sum::<Decimal>() / w)
}

/// The weighted score of one participant (see the module comment). `rater_weights` are the
/// cycle's (percent; kinds absent from it weigh 0); `periodic` is the average of the year's
/// periodic scores with its weight in percent (annual cycles only).
pub fn score(
    set: &[Indicator],
    rater_weights: &[(RaterKind, Decimal)],
    scores: &[RaterScore],
    periodic: Option<(Decimal, Decimal)>,
) -> Explained {
    let mut lines = Vec::new();
    let mut kinds: Vec<(Decimal, Decimal)> = Vec::new();
    for &(kind, weight) in rater_weights {
        let mut totals = Vec::new();
        for s in scores.iter().filter(|s| s.kind == kind) {
            if let Some(t) = rater_total(set, s) {
                lines.push(Line {
                    kind,
                    rater: s.rater.clone(),
                    source: s.source,
                    value: round_score(t),
                    weight: Decimal::ZERO,
                });
                totals.push(t);
            }
        }
        if totals.is_empty() {
            continue;
        }
        let avg = totals.iter().sum::<Decimal>() / Decimal::from(totals.len());
        lines.push(Line {
            kind,
            rater: None,
            source: Source::Manual,
            value: round_score(avg),
            weight,
        });
        kinds.push((avg, weight));
    }
    let base = weighted(&kinds);
    let score = match (base, periodic) {
        (Some(b), Some((p, pw))) => {
            lines.push(Line {
                kind: RaterKind::Periodic,
                rater: None,
                source: Source::Periodic,
                value: round_score(p),
                weight: pw,
            });
            weighted(&[(b, Decimal::ONE_HUNDRED - pw), (p, pw)])
        }
        (b, _) => b,
    };
    Explained {
        score: score.map(round_score),
        lines,
    }
}

/// The score a periodic result stands for when no numeric score was kept: 好 95, 较好 85,
/// 一般 75, 较差 60 (local practice [K]).
pub fn periodic_value(r: super::cycle::PeriodicResult) -> Decimal {
    use super::cycle::PeriodicResult as P;
    Decimal::from(match r {
        P::Good => 95,
        P::Fair => 85,
        P::Average => 75,
        P::Poor => 60,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::test_util::dec;

    fn set() -> Vec<Indicator> {
        IndicatorSetForm::default_set("")
            .parse()
            .unwrap()
            .indicators
    }

    fn overall(kind: RaterKind, who: Option<&str>, v: &str) -> RaterScore {
        RaterScore {
            kind,
            rater: who.map(String::from),
            source: Source::Manual,
            by_indicator: BTreeMap::new(),
            overall: Some(dec(v)),
        }
    }

    fn weights() -> Vec<(RaterKind, Decimal)> {
        DEFAULT_RATER_WEIGHTS
            .iter()
            .map(|(k, w)| (*k, Decimal::from(*w)))
            .collect()
    }

    #[test]
    fn indicator_sets_sum_to_100() {
        let s = IndicatorSetForm::default_set("一般干部").parse().unwrap();
        assert_eq!(s.indicators.len(), 5);
        assert_eq!(s.indicators[3].name, "绩");
        let bad = IndicatorSetForm {
            name: "x".into(),
            post_level: String::new(),
            lines: "德,20\n能,20\n德,x".into(),
        }
        .parse()
        .unwrap_err();
        assert_eq!(bad[0].field, "lines[2].weight");
        let sum = IndicatorSetForm {
            name: "x".into(),
            post_level: String::new(),
            lines: "德,20\n能，70，目标".into(),
        }
        .parse()
        .unwrap_err();
        assert_eq!(
            (sum[0].field.as_str(), sum[0].code.as_str()),
            ("lines", "weights_sum")
        );
        assert_eq!(sum[0].args, vec![("sum".to_string(), "90".to_string())]);
        let dup = IndicatorSetForm {
            name: "x".into(),
            post_level: String::new(),
            lines: "德,50\n德,50".into(),
        }
        .parse()
        .unwrap_err();
        assert_eq!(dup[0].code, "duplicate");
    }

    #[test]
    fn rater_total_weights_indicators() {
        // 德90×20 + 能80×20 + 勤100×15 + 绩70×35 + 廉100×10 = 1800+1600+1500+2450+1000 = 8350 → 83.5
        let mut m = BTreeMap::new();
        for (n, v) in [
            ("德", "90"),
            ("能", "80"),
            ("勤", "100"),
            ("绩", "70"),
            ("廉", "100"),
        ] {
            m.insert(n.to_string(), dec(v));
        }
        let s = RaterScore {
            kind: RaterKind::BodyHead,
            rater: Some("王".into()),
            source: Source::Manual,
            by_indicator: m.clone(),
            overall: None,
        };
        assert_eq!(rater_total(&set(), &s), Some(dec("83.5")));
        // 廉 left blank: (8350 − 1000) / 90
        m.remove("廉");
        let s = RaterScore {
            by_indicator: m,
            ..s
        };
        assert_eq!(round_score(rater_total(&set(), &s).unwrap()), dec("81.67"));
    }

    #[test]
    fn weighted_score_over_raters_and_periodic() {
        let scores = vec![
            overall(RaterKind::SelfSummary, Some("本人"), "90"),
            overall(RaterKind::BodyHead, Some("王科长"), "80"),
            overall(RaterKind::Colleagues, None, "70"),
            overall(RaterKind::Colleagues, None, "90"),
            overall(RaterKind::Leadership, Some("李书记"), "85"),
        ];
        // 90×10 + 80×30 + 80×30 + 85×30 = 900+2400+2400+2550 = 8250 → 82.50
        let e = score(&set(), &weights(), &scores, None);
        assert_eq!(e.score, Some(dec("82.50")));
        // anonymous lines have no rater name
        assert!(
            e.lines
                .iter()
                .filter(|l| l.kind == RaterKind::Colleagues)
                .all(|l| l.rater.is_none())
        );
        // colleagues absent: their weight leaves the denominator (no dilution):
        // (900 + 2400 + 2550) / 70 = 83.57
        let no_peers: Vec<_> = scores
            .iter()
            .filter(|s| s.kind != RaterKind::Colleagues)
            .cloned()
            .collect();
        assert_eq!(
            score(&set(), &weights(), &no_peers, None).score,
            Some(dec("83.57"))
        );
        // periodic 90 at 30 %: 82.5 × 0.7 + 90 × 0.3 = 57.75 + 27 = 84.75
        let p = score(&set(), &weights(), &scores, Some((dec("90"), dec("30"))));
        assert_eq!(p.score, Some(dec("84.75")));
        assert_eq!(p.lines.last().map(|l| l.kind), Some(RaterKind::Periodic));
        assert_eq!(score(&set(), &weights(), &[], None).score, None);
    }
}
