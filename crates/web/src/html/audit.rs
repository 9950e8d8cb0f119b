//! The audit log page (审计日志): filter by unit, user, object and date.

use askama::Template;
use axum::extract::State;

use jiguan_app::ports::{AuditFilter, Unit};
use jiguan_domain::audit::AuditRecord;
use jiguan_domain::tenancy::UnitId;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::Query;
use crate::guard::Ctx;
use crate::html::{Layout, ListParams, ListView, page};

pub struct Row {
    pub r: AuditRecord,
    pub at: String,
    pub unit_name: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub l: Layout,
    pub list: ListView,
    pub rows: Vec<Row>,
    pub units: Vec<Unit>,
    pub unit_filter: bool,
    pub date_error: bool,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Builds the store filter from query parameters; bad dates are reported, not guessed.
pub fn filter_of(p: &ListParams) -> (AuditFilter, bool) {
    let date =
        |s: &Option<String>| nonempty(s).map(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d"));
    let (from, to) = (date(&p.from), date(&p.to));
    let bad = matches!(from, Some(Err(_))) || matches!(to, Some(Err(_)));
    let unit = nonempty(&p.unit);
    (
        AuditFilter {
            unit_id: unit
                .as_deref()
                .and_then(|u| u.parse::<i64>().ok())
                .map(UnitId),
            district_level_only: unit.as_deref() == Some("district"),
            username: nonempty(&p.user),
            object_type: nonempty(&p.object_type),
            object_id: nonempty(&p.object_id),
            action: None,
            from: from.and_then(Result::ok),
            to: to.and_then(Result::ok),
        },
        bad,
    )
}

pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(p): Query<ListParams>) -> WebResult {
    let (filter, date_error) = filter_of(&p);
    let units = st.app.visible_units(&ctx.actor).await.unwrap_or_default();
    let q = p.query()?;
    let pg = st.app.list_audit(&ctx.actor, filter, &q).await?;
    {
        {
            let filters = vec![
                ("unit".to_string(), p.unit.clone().unwrap_or_default()),
                ("user".to_string(), p.user.clone().unwrap_or_default()),
                (
                    "object_type".to_string(),
                    p.object_type.clone().unwrap_or_default(),
                ),
                (
                    "object_id".to_string(),
                    p.object_id.clone().unwrap_or_default(),
                ),
                ("from".to_string(), p.from.clone().unwrap_or_default()),
                ("to".to_string(), p.to.clone().unwrap_or_default()),
            ];
            let list = ListView::new("/audit", filters, &q, &pg);
            let rows = pg
                .items
                .into_iter()
                .map(|r| {
                    let at = chrono::DateTime::from_timestamp_millis(r.at_ms)
                        .map(jiguan_domain::time::show_china)
                        .unwrap_or_default();
                    let unit_name = r
                        .unit_id
                        .and_then(|u| units.iter().find(|x| x.id == u))
                        .map(|u| u.name.clone())
                        .unwrap_or_default();
                    Row { r, at, unit_name }
                })
                .collect();
            let l = Layout::new(&ctx, "menu.audit").here();
            Ok(page(&AuditPage {
                l,
                list,
                rows,
                units,
                unit_filter: ctx.actor.unit_id.is_none(),
                date_error,
            }))
        }
    }
}
