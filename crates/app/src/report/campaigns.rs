//! The competitive-selection section of the report (十三、中层竞争上岗), from what the
//! selection module records so far, for the period (`from`, `to`]:
//! - campaigns published: the version of each campaign in force at `to` that was published
//!   (applied) in the period — a revision published later in the period replaces it;
//! - middle posts competed: the seats its plan offers (Σ `posts[].seats`);
//! - applicants: the people who registered for any version of it; confirmed: those whose
//!   application passed the HR review (资格审查);
//! - applicants per post = applicants ÷ seats (hundredths);
//! - middle posts decided by committee ballot: items of committee meetings closed in the
//!   period that name a 正职/副职 post; their share of the seats competed (percent,
//!   hundredths; it can pass 100 % when a committee decides posts no campaign offered);
//! - terms ending soon (任期即将届满): middle managers appointed through a campaign by the
//!   "to" date whose 3-year term ends within the 90 days after it (the terms page's window).
//!
//! One query set for the whole district (the store groups by unit).

use std::collections::BTreeMap;

use async_trait::async_trait;

use jiguan_domain::report::{Family, Line, Moment, Section, Trace, Unit as Measure};
use jiguan_domain::selection::plan::Plan;
use jiguan_domain::tenancy::UnitId;

use super::{SectionProvider, SectionQuery};
use crate::AppResult;

/// The provider registered in [`super::PROVIDERS`].
pub struct CampaignSection;

/// The section's id; its title is `report.section.selection.campaigns`.
pub const SECTION: &str = "selection.campaigns";

/// The seats a stored plan offers (0 when the JSON does not read as a plan).
pub fn seats_of(plan_json: &str) -> i64 {
    serde_json::from_str::<Plan>(plan_json)
        .map(|p| p.posts.iter().map(|x| i64::from(x.seats)).sum())
        .unwrap_or(0)
}

fn line(key: &str, unit: Measure, after: Option<i64>, trace: bool) -> Line {
    let mut l = Line::new(format!("report.line.selection.{key}"), unit);
    l.after = after;
    if trace {
        l.trace_after = Some(Trace {
            family: Family::Campaigns,
            key: if key == "by_ballot" {
                "ballot_posts".into()
            } else {
                "campaign".into()
            },
            at: Moment::Period,
        });
    }
    l
}

#[async_trait]
impl SectionProvider for CampaignSection {
    fn id(&self) -> &'static str {
        SECTION
    }

    async fn sections(&self, q: SectionQuery<'_>) -> AppResult<BTreeMap<UnitId, Section>> {
        let cells = q.cells(Family::Campaigns).await?;
        let units = q.units;
        // (campaigns, seats, applicants, confirmed, by ballot, terms ending soon)
        let mut per: BTreeMap<UnitId, [i64; 6]> = BTreeMap::new();
        for c in cells.iter().filter(|c| units.contains(&c.unit)) {
            let e = per.entry(c.unit).or_default();
            if c.a == "campaign" {
                e[0] += 1;
                e[1] += seats_of(&c.detail);
                e[2] += c.n;
                e[3] += c.sum;
            } else if c.a == "terms_soon" {
                e[5] += c.n;
            } else {
                e[4] += c.n;
            }
        }
        Ok(units
            .iter()
            .map(|u| (*u, per.get(u).copied().unwrap_or_default()))
            .map(|(u, n)| {
                let mut s = Section::new(
                    SECTION,
                    vec![
                        line("campaigns", Measure::Count, Some(n[0]), true),
                        line("seats", Measure::Count, Some(n[1]), false),
                        line("applicants", Measure::Count, Some(n[2]), false),
                        line("confirmed", Measure::Count, Some(n[3]), false),
                        line("per_post", Measure::Hundredths, None, false),
                        line("by_ballot", Measure::Count, Some(n[4]), true),
                        line("ballot_share", Measure::Hundredths, None, false),
                        line("terms_soon", Measure::Count, Some(n[5]), false),
                    ],
                    false,
                );
                jiguan_domain::report::selection_ratios(&mut s);
                (u, s)
            })
            .collect())
    }
}
