//! What a person's grade history entails (《公务员考核规定》2020 arts. 18–21 [S3];
//! 公务员法 arts. 39, 50, 80, 88 [S]; RULES-SELECTION-APPRAISAL APR-15 – APR-20, PAY-1).
//!
//! Counting (APR-20 [K]): by appraisal year; a not-graded year (or a missing year) breaks a
//! "consecutive" chain but does not reset "cumulative" counts.

use serde::Serialize;

use super::Grade;

closed_lists!("appraisal/consequences.toml");

/// One appraisal year of a person: `None` is 不定等次.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Year {
    pub year: i32,
    pub grade: Option<Grade>,
}

/// The consequences of the last year of `history` (sorted by year, oldest first).
pub fn effects(history: &[Year]) -> Vec<Effect> {
    let Some(last) = history.last() else {
        return Vec::new();
    };
    let Some(grade) = last.grade else {
        return Vec::new();
    };
    let run = consecutive(history, grade);
    let mut out = Vec::new();
    match grade {
        Grade::Excellent => {
            out.push(Effect::Commendation);
            if run >= 3 && run.is_multiple_of(3) {
                out.push(Effect::ThirdClassMerit);
            }
        }
        Grade::Basic => {
            out.extend([Effect::Warning, Effect::NoPromotion]);
            if run >= 2 {
                out.push(Effect::PostChange);
            }
        }
        Grade::Incompetent => {
            out.push(Effect::Demotion);
            if run >= 2 {
                out.push(Effect::Dismissal);
            }
        }
        Grade::Competent => {}
    }
    if grade.competent_or_better() {
        out.push(Effect::Bonus);
        let n = cumulative(history);
        if n.is_multiple_of(2) {
            out.push(Effect::PayStep);
        }
        if n.is_multiple_of(5) {
            out.push(Effect::LevelStep);
        }
    } else {
        out.push(Effect::NoBonus);
    }
    out
}

/// How many years in a row, ending with the last, have `grade` (years must follow each
/// other; a not-graded or missing year breaks the chain).
pub fn consecutive(history: &[Year], grade: Grade) -> u32 {
    let mut n = 0;
    let mut expect: Option<i32> = None;
    for y in history.iter().rev() {
        if expect.is_some_and(|e| e != y.year) || y.grade != Some(grade) {
            break;
        }
        n += 1;
        expect = Some(y.year - 1);
    }
    n
}

/// Years graded 称职 or better so far (not-graded years skipped, not reset).
pub fn cumulative(history: &[Year]) -> u32 {
    history
        .iter()
        .filter(|y| y.grade.is_some_and(Grade::competent_or_better))
        .count() as u32
}

/// Whether the grade entitles the year-end bonus (PAY-1).
pub fn bonus_eligible(grade: Option<Grade>) -> bool {
    grade.is_some_and(Grade::competent_or_better)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use Grade::*;

    fn h(start: i32, grades: &[Option<Grade>]) -> Vec<Year> {
        grades
            .iter()
            .enumerate()
            .map(|(i, g)| Year {
                year: start + i as i32,
                grade: *g,
            })
            .collect()
    }

    #[test]
    fn three_consecutive_excellent() {
        let e = effects(&h(
            2017,
            &[Some(Excellent), Some(Excellent), Some(Excellent)],
        ));
        assert!(e.contains(&Effect::ThirdClassMerit) && e.contains(&Effect::Commendation));
        // two only
        let e = effects(&h(2018, &[Some(Excellent), Some(Excellent)]));
        assert!(!e.contains(&Effect::ThirdClassMerit) && e.contains(&Effect::Commendation));
        // APR-20: 优秀, NotGraded, 优秀, 优秀 → no 三等功
        let e = effects(&h(
            2016,
            &[Some(Excellent), None, Some(Excellent), Some(Excellent)],
        ));
        assert!(!e.contains(&Effect::ThirdClassMerit));
        // a missing year breaks the chain too
        let gap = vec![
            Year {
                year: 2015,
                grade: Some(Excellent),
            },
            Year {
                year: 2017,
                grade: Some(Excellent),
            },
            Year {
                year: 2018,
                grade: Some(Excellent),
            },
        ];
        assert!(!effects(&gap).contains(&Effect::ThirdClassMerit));
        // four in a row: no second merit until the sixth
        let e = effects(&h(2015, &[Some(Excellent); 4]));
        assert!(!e.contains(&Effect::ThirdClassMerit));
        assert!(effects(&h(2015, &[Some(Excellent); 6])).contains(&Effect::ThirdClassMerit));
    }

    #[test]
    fn cumulative_and_bonus_tv_a2() {
        // APR-20: 优秀, 称职, NotGraded, 称职 → cumulative 3
        assert_eq!(
            cumulative(&h(
                2016,
                &[Some(Excellent), Some(Competent), None, Some(Competent)]
            )),
            3
        );
        // TV-A2: 2021–2025 称职, 优秀, 称职, 基本称职, 称职
        let all = h(
            2021,
            &[
                Some(Competent),
                Some(Excellent),
                Some(Competent),
                Some(Basic),
                Some(Competent),
            ],
        );
        assert!(effects(&all[..2]).contains(&Effect::PayStep)); // 2nd qualifying year (2022)
        assert!(!effects(&all[..3]).contains(&Effect::PayStep));
        let y2024 = effects(&all[..4]);
        assert!(y2024.contains(&Effect::NoBonus) && y2024.contains(&Effect::NoPromotion));
        assert!(!y2024.contains(&Effect::Bonus));
        assert!(effects(&all).contains(&Effect::PayStep)); // 4th qualifying year (2025)
        assert!(bonus_eligible(Some(Excellent)) && bonus_eligible(Some(Competent)));
        assert!(!bonus_eligible(Some(Basic)) && !bonus_eligible(None));
    }

    #[test]
    fn basic_and_incompetent_tv_a3() {
        let e = effects(&h(2024, &[Some(Basic)]));
        assert!(e.contains(&Effect::Warning) && !e.contains(&Effect::PostChange));
        assert!(effects(&h(2024, &[Some(Basic), Some(Basic)])).contains(&Effect::PostChange));
        let e = effects(&h(2024, &[Some(Incompetent)]));
        assert!(e.contains(&Effect::Demotion) && !e.contains(&Effect::Dismissal));
        let e = effects(&h(2024, &[Some(Incompetent), Some(Incompetent)]));
        assert!(e.contains(&Effect::Dismissal) && e.contains(&Effect::NoBonus));
        assert!(effects(&h(2024, &[None])).is_empty());
        assert!(effects(&[]).is_empty());
    }
}
