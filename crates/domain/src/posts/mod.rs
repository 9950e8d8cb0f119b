//! Posts from work (岗位: 因事定岗、因岗定编、因编定人、一人多岗、苦乐不均).
//!
//! - This file: post levels, the establishment kind a post requires, education levels
//!   (an ordered scale parsed from the people module's free text), the post form and its
//!   parse (every field error at once).
//! - [`workload`]: post hours from function items, FTE, need versus establishment per
//!   body (因岗定编) with the over/understaffed flags.
//! - [`assign`]: the assignment state and [`assign::check_assignment`], every rule of
//!   因编定人 (shares, main post, establishment kind, qualifications, one chief per body,
//!   leadership-team members, person on post, post active, duplicates); coverage lists.
//! - [`balance`]: each person's load, the spread figures (CV, Gini, max/min), the
//!   distribution histogram, overloaded and underloaded people.
//! - [`suggest`]: the suggestion engine (greedy steepest-descent local search) and the
//!   application of one proposal with its staleness check.

pub mod assign;
pub mod balance;
pub mod suggest;
pub mod workload;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::error::{Errors, required_text};
use crate::people::EstablishmentKind;

id_type! {
    /// A post (岗位).
    PostId;
    /// A person's assignment to a post (分工), open or ended.
    AssignmentId;
}

closed_lists!("posts/mod.toml");

impl PostLevel {
    /// Middle-manager posts (中层职务): leadership-team members may not hold them.
    pub fn is_middle(self) -> bool {
        matches!(self, PostLevel::Chief | PostLevel::Deputy)
    }
}

impl PostKind {
    /// Whether a person holding `held` may take a post of this kind: an "any" post takes
    /// everyone, otherwise the held kind must be the required one.
    pub fn fits(self, held: EstablishmentKind) -> bool {
        match self {
            PostKind::Any => true,
            PostKind::Administrative => held == EstablishmentKind::Administrative,
            PostKind::Institution => held == EstablishmentKind::Institution,
            PostKind::Service => held == EstablishmentKind::Service,
        }
    }
}

impl Education {
    /// The level of the people module's free-text education. The text is searched for the
    /// markers from the highest level down (博士 > 硕士/研究生 > 本科 > 大专/专科 > 中专/高中/
    /// 职高/中技); text with none of them (blank, 初中, 小学, unknown) is the lowest level,
    /// so an unknown education never satisfies a minimum above 初中及以下.
    pub fn of_text(s: &str) -> Education {
        let t = s.trim();
        let has = |ms: &[&str]| ms.iter().any(|m| t.contains(m));
        if has(&["博士"]) {
            Education::Doctor
        } else if has(&["硕士", "研究生"]) {
            Education::Master
        } else if has(&["本科", "学士"]) {
            Education::Bachelor
        } else if has(&["大专", "大学专科"]) || (has(&["专科"]) && !has(&["中等专科"]))
        {
            Education::College
        } else if has(&["中专", "中等专科", "高中", "职高", "中技", "技校", "技工"])
        {
            Education::Secondary
        } else {
            Education::Junior
        }
    }
}

/// Whole years of service from the first employment to `on` (0 when unknown or later).
pub fn service_years(work_start: Option<NaiveDate>, on: NaiveDate) -> i64 {
    let Some(w) = work_start else { return 0 };
    if w > on {
        return 0;
    }
    let mut y = i64::from(on.year() - w.year());
    if (on.month(), on.day()) < (w.month(), w.day()) {
        y -= 1;
    }
    y.max(0)
}

/// Longest post title and other requirements, in characters.
pub const TITLE_MAX: usize = 40;
pub const OTHER_MAX: usize = 200;
/// Most years of service a post may require.
pub const YEARS_MAX: i64 = 40;
/// Most annual hours one function item may carry on one post.
pub const ITEM_HOURS_MAX: i64 = 10_000;

/// One function item of a post as entered (因事定岗): the item's id and its annual hours on
/// the post, both text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ItemBody))]
#[serde(default)]
pub struct ItemHours {
    pub function_id: String,
    pub annual_hours: String,
}

impl ItemHours {
    pub fn new(function_id: impl Into<String>, annual_hours: impl Into<String>) -> Self {
        ItemHours {
            function_id: function_id.into(),
            annual_hours: annual_hours.into(),
        }
    }
}

/// The post form as entered, all text: the page's form, the API's body (`PostBody`) and
/// what an edit starts from. `functions` gives each function item with its annual hours on
/// this post (因事定岗).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PostBody))]
#[serde(default)]
pub struct PostForm {
    /// Body id.
    pub body: String,
    pub title: String,
    /// chief, deputy, general, service (or the Chinese label).
    pub level: String,
    /// administrative, institution, service, any (blank: any).
    pub establishment: String,
    pub min_education: String,
    pub min_service_years: String,
    pub other_requirements: String,
    pub functions: Vec<ItemHours>,
}

/// A valid post definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostInput {
    pub body_id: i64,
    pub title: String,
    pub level: PostLevel,
    pub establishment: PostKind,
    pub min_education: Option<Education>,
    pub min_service_years: i64,
    pub other_requirements: String,
    /// (function item id, annual hours), at most once per item, hours > 0.
    pub functions: Vec<(i64, i64)>,
}

impl PostInput {
    /// Hours of the post: the sum of its items' hours.
    pub fn hours(&self) -> i64 {
        self.functions.iter().map(|(_, h)| *h).sum()
    }

    /// Validates a form. `bodies`: the unit's active bodies; `functions`: its performed
    /// function items. Errors (all at once): `body` required/choice_invalid, `title`
    /// required/too_long, `level`/`establishment` choice_invalid, `min_education`
    /// choice_invalid, `min_service_years` integer_invalid/out_of_range, `functions.N`
    /// choice_invalid/duplicate/integer_invalid/out_of_range, `other_requirements` too_long.
    pub fn parse(f: &PostForm, bodies: &[i64], functions: &[i64]) -> Result<Self, Vec<FieldError>> {
        let mut errs = Errors::new();
        let body = match f.body.trim().parse::<i64>() {
            _ if f.body.trim().is_empty() => {
                errs.push(FieldError::new("body", "required"));
                None
            }
            Ok(b) if bodies.contains(&b) => Some(b),
            _ => {
                errs.push(FieldError::new("body", "choice_invalid"));
                None
            }
        };
        let title = errs.take(required_text("title", &f.title, TITLE_MAX));
        let level = errs.take(PostLevel::parse("level", &f.level));
        let establishment = if f.establishment.trim().is_empty() {
            Some(PostKind::Any)
        } else {
            errs.take(PostKind::parse("establishment", &f.establishment))
        };
        let min_education = if f.min_education.trim().is_empty() {
            Some(None)
        } else {
            errs.take(Education::parse("min_education", &f.min_education).map(Some))
        };
        let years = f.min_service_years.trim();
        let min_service_years = if years.is_empty() {
            Some(0)
        } else {
            match years.parse::<i64>() {
                Ok(n) if (0..=YEARS_MAX).contains(&n) => Some(n),
                Ok(_) => {
                    errs.push(
                        FieldError::new("min_service_years", "out_of_range")
                            .with("min", 0)
                            .with("max", YEARS_MAX),
                    );
                    None
                }
                Err(_) => {
                    errs.push(FieldError::new("min_service_years", "integer_invalid"));
                    None
                }
            }
        };
        let other = f.other_requirements.trim();
        if other.chars().count() > OTHER_MAX {
            errs.push(FieldError::new("other_requirements", "too_long").with("max", OTHER_MAX));
        }
        let mut items: Vec<(i64, i64)> = Vec::new();
        for (
            i,
            ItemHours {
                function_id: fid,
                annual_hours: hours,
            },
        ) in f.functions.iter().enumerate()
        {
            if fid.trim().is_empty() && hours.trim().is_empty() {
                continue;
            }
            let field = format!("functions.{i}");
            let id = match fid.trim().parse::<i64>() {
                Ok(id) if functions.contains(&id) => Some(id),
                _ => {
                    errs.push(FieldError::new(field.clone(), "choice_invalid"));
                    None
                }
            };
            if let Some(id) = id
                && items.iter().any(|(x, _)| *x == id)
            {
                errs.push(FieldError::new(field.clone(), "function_duplicate"));
                continue;
            }
            let h = match hours.trim().parse::<i64>() {
                Ok(h) if (1..=ITEM_HOURS_MAX).contains(&h) => Some(h),
                Ok(_) => {
                    errs.push(
                        FieldError::new(field.clone(), "out_of_range")
                            .with("min", 1)
                            .with("max", ITEM_HOURS_MAX),
                    );
                    None
                }
                Err(_) => {
                    errs.push(FieldError::new(field.clone(), "integer_invalid"));
                    None
                }
            };
            if let (Some(id), Some(h)) = (id, h) {
                items.push((id, h));
            }
        }
        match (
            body,
            title,
            level,
            establishment,
            min_education,
            min_service_years,
        ) {
            (
                Some(body_id),
                Some(title),
                Some(level),
                Some(establishment),
                Some(min_education),
                Some(min_service_years),
            ) if errs.is_empty() => Ok(PostInput {
                body_id,
                title,
                level,
                establishment,
                min_education,
                min_service_years,
                other_requirements: other.to_string(),
                functions: items,
            }),
            _ => Err(errs.0),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn education_is_ordered_and_unknown_is_lowest() {
        assert_eq!(Education::of_text("博士研究生"), Education::Doctor);
        assert_eq!(Education::of_text("硕士研究生"), Education::Master);
        assert_eq!(Education::of_text("研究生"), Education::Master);
        assert_eq!(Education::of_text("大学本科"), Education::Bachelor);
        assert_eq!(Education::of_text("本科"), Education::Bachelor);
        assert_eq!(Education::of_text("大专"), Education::College);
        // The 学历 list's names (数据字典, GB/T 4658).
        assert_eq!(Education::of_text("大学专科"), Education::College);
        assert_eq!(Education::of_text("中等专科"), Education::Secondary);
        assert_eq!(Education::of_text("技工学校"), Education::Secondary);
        assert_eq!(Education::of_text("普通高中"), Education::Secondary);
        assert_eq!(Education::of_text("硕士研究生"), Education::Master);
        assert_eq!(Education::of_text("专科"), Education::College);
        assert_eq!(Education::of_text("高中"), Education::Secondary);
        assert_eq!(Education::of_text("职高"), Education::Secondary);
        assert_eq!(Education::of_text("中专"), Education::Secondary);
        assert_eq!(Education::of_text("初中"), Education::Junior);
        assert_eq!(Education::of_text(""), Education::Junior);
        assert_eq!(Education::of_text("不详"), Education::Junior);
        assert!(Education::Doctor > Education::Master);
        assert!(Education::Master > Education::Bachelor);
        assert!(Education::Bachelor > Education::College);
        assert!(Education::College > Education::Secondary);
        assert!(Education::Secondary > Education::Junior);
    }

    #[test]
    fn service_years_count_whole_years() {
        assert_eq!(service_years(Some(d(2010, 7, 1)), d(2020, 6, 30)), 9);
        assert_eq!(service_years(Some(d(2010, 7, 1)), d(2020, 7, 1)), 10);
        assert_eq!(service_years(None, d(2020, 7, 1)), 0);
        assert_eq!(service_years(Some(d(2030, 1, 1)), d(2020, 7, 1)), 0);
    }

    #[test]
    fn kinds_fit() {
        use EstablishmentKind as K;
        assert!(PostKind::Any.fits(K::None));
        assert!(PostKind::Administrative.fits(K::Administrative));
        assert!(!PostKind::Administrative.fits(K::Institution));
        assert!(!PostKind::Institution.fits(K::None));
        assert!(PostKind::Service.fits(K::Service));
    }

    #[test]
    fn post_form_reports_every_error_at_once() {
        let f = PostForm {
            body: "99".into(),
            title: " ".into(),
            level: "boss".into(),
            establishment: "x".into(),
            min_education: "幼儿园".into(),
            min_service_years: "-1".into(),
            other_requirements: "长".repeat(201),
            functions: vec![
                ItemHours::new("7", "100"),
                ItemHours::new("7", "5"),
                ItemHours::new("8", "abc"),
                ItemHours::new("1", "0"),
            ],
        };
        let e = PostInput::parse(&f, &[1, 2], &[1, 7]).unwrap_err();
        let got: Vec<(String, String)> = e.into_iter().map(|e| (e.field, e.code)).collect();
        let want = [
            ("body", "choice_invalid"),
            ("title", "required"),
            ("level", "choice_invalid"),
            ("establishment", "choice_invalid"),
            ("min_education", "choice_invalid"),
            ("min_service_years", "out_of_range"),
            ("other_requirements", "too_long"),
            ("functions.1", "function_duplicate"),
            ("functions.2", "choice_invalid"),
            ("functions.2", "integer_invalid"),
            ("functions.3", "out_of_range"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn post_form_parses() {
        let f = PostForm {
            body: "2".into(),
            title: " 综合文字岗 ".into(),
            level: "一般岗位".into(),
            establishment: "".into(),
            min_education: "本科".into(),
            min_service_years: "3".into(),
            other_requirements: "熟悉公文写作".into(),
            functions: vec![
                ItemHours::new("7", "1200"),
                ItemHours::new("", ""),
                ItemHours::new("1", "400"),
            ],
        };
        let p = PostInput::parse(&f, &[1, 2], &[1, 7]).unwrap();
        assert_eq!(p.title, "综合文字岗");
        assert_eq!(p.level, PostLevel::General);
        assert_eq!(p.establishment, PostKind::Any);
        assert_eq!(p.min_education, Some(Education::Bachelor));
        assert_eq!(p.min_service_years, 3);
        assert_eq!(p.functions, vec![(7, 1200), (1, 400)]);
        assert_eq!(p.hours(), 1600);
    }
}
