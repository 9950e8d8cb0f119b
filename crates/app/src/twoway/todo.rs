//! Two-way selection's to-dos in the inbox (待办): a staff member of an open round who has
//! not listed choices yet (`twoway.choose`, linking to `…/mine`), and a body head with
//! applicants to the body's offered posts not ranked yet (`twoway.rank`, linking to
//! `…/rank`). Derived from the state on every view, like every to-do; they end when the
//! choices or rankings are saved, or when the round leaves the open status.

use std::collections::BTreeSet;

use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::twoway::{RoundId, participants};
use jiguan_domain::workflow::{Status, TWOWAY_ROUNDS};

use super::RoundAt;
use crate::inbox::Todo;
use crate::{App, AppResult};

impl App {
    /// The actor's two-way selection to-dos (unit accounts that choose or rank only). Cheap
    /// when the unit has no open round (the menu badge asks on every page): one query on
    /// the rounds' (district, unit, status) index that returns no row, no round loaded.
    pub async fn tw_todos(&self, actor: &Actor) -> AppResult<Vec<Todo>> {
        let Some(unit) = actor.unit_id else {
            return Ok(Vec::new());
        };
        let (choose, rank) = (
            actor.can(Action::TwowayChoose),
            actor.can(Action::TwowayRank),
        );
        if !choose && !rank {
            return Ok(Vec::new());
        }
        let d = actor.district_id;
        let items = self
            .store
            .flow_items(d, Some(unit), &TWOWAY_ROUNDS, &[Status::Open])
            .await?;
        let Some(unit_name) = items.first().map(|i| i.unit_name.clone()) else {
            return Ok(Vec::new());
        };
        let mut open = Vec::new();
        for it in &items {
            if let Some(r) = self
                .store
                .tw_round(RoundAt::new(d, unit, RoundId(it.id)))
                .await?
                && r.status == Status::Open
                && r.result_json.is_empty()
            {
                open.push(r);
            }
        }
        if open.is_empty() {
            return Ok(Vec::new());
        }
        let Some(me) = self.linked_person(actor).await? else {
            return Ok(Vec::new());
        };
        let l = self.posts_load(d, unit).await?;
        let mut out = Vec::new();
        for r in open {
            let prefs = self.store.tw_prefs(RoundAt::new(d, unit, r.id)).await?;
            let todo = |code: &str, page: &str| Todo {
                code: code.into(),
                unit_id: unit,
                unit_name: unit_name.clone(),
                object_id: r.id.0,
                title: r.title.clone(),
                link: format!("/units/{unit}/twoway/{}/{page}", r.id),
                since: r.created_at,
            };
            if choose
                && participants(&l.state, &r.exclusions).contains(&me.id)
                && !prefs.iter().any(|p| p.person_id == me.id)
            {
                out.push(todo("twoway.choose", "mine"));
            }
            if rank && let Some(body) = me.body_id {
                let posts: BTreeSet<i64> = r
                    .offers
                    .iter()
                    .map(|o| o.post_id)
                    .filter(|p| l.state.posts.get(p).is_some_and(|x| x.body_id == body))
                    .collect();
                let ranked: BTreeSet<i64> = self
                    .store
                    .tw_rankings(RoundAt::new(d, unit, r.id))
                    .await?
                    .iter()
                    .map(|x| x.post_id)
                    .collect();
                let waiting = posts
                    .iter()
                    .any(|p| !ranked.contains(p) && prefs.iter().any(|x| x.posts.contains(p)));
                if waiting {
                    out.push(todo("twoway.rank", "rank"));
                }
            }
        }
        Ok(out)
    }
}
