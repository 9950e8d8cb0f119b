//! The 个人中心's section 我的考核与绩效: the signed-in person's annual results by year with
//! their consequences, and their pay slips (links to `/me/pay/{run}`), as text for the
//! `/me` template ([`jiguan_app::App::my_appraisal`] gives the data).

use jiguan_app::appraisal::mine::MyAppraisal;
use jiguan_domain::workflow::PAY_RUNS;

use crate::html::Layout;
use crate::i18n::Tr;

/// The section.
pub struct MeAppraisal {
    pub years: Vec<MeYear>,
    pub slips: Vec<MeSlip>,
}

/// One appraisal year.
pub struct MeYear {
    pub year: i32,
    /// The grade, or the reason it was not graded.
    pub grade: String,
    /// `excellent` … or `ungraded` (for the tag's colour).
    pub grade_code: &'static str,
    pub effects: Vec<String>,
}

/// One pay slip.
pub struct MeSlip {
    pub year: i32,
    pub status: String,
    pub share: String,
    pub bonus: String,
    pub href: String,
}

impl MeAppraisal {
    pub fn of(tr: Tr, l: &Layout, m: &MyAppraisal) -> Self {
        MeAppraisal {
            years: m
                .years
                .iter()
                .map(|y| MeYear {
                    year: y.year,
                    grade: match (y.grade, y.ungraded) {
                        (Some(g), None) => tr.t(&g.label_key()).to_string(),
                        (_, Some(u)) => {
                            format!("{}（{}）", tr.t("me.apr.ungraded"), tr.t(&u.label_key()))
                        }
                        (None, None) => String::new(),
                    },
                    grade_code: match (y.grade, y.ungraded) {
                        (Some(g), None) => g.code(),
                        _ => "ungraded",
                    },
                    effects: y
                        .effects
                        .iter()
                        .map(|e| tr.t(&e.label_key()).to_string())
                        .collect(),
                })
                .collect(),
            slips: m
                .slips
                .iter()
                .map(|s| MeSlip {
                    year: s.year,
                    status: tr.t(&PAY_RUNS.label_key(s.status)).to_string(),
                    share: l.num(s.share),
                    bonus: l.num(s.bonus),
                    href: format!("/me/pay/{}", s.run_id),
                })
                .collect(),
        }
    }
}
