//! What the HR office's round form (新建/修改轮次) shows: every post that may be offered
//! with the most seats its workload allows and the seats proposed, the people who may take
//! part, and (when editing) the draft round as it stands.

use std::collections::BTreeMap;

use serde::Serialize;

use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::twoway::{RoundId, candidates, fit_offers};
use jiguan_domain::workflow::TWOWAY_ROUNDS;

use super::{OfferPost, Participant, RoundRecord};
use crate::{App, AppResult};

/// The data of the round form.
#[derive(Debug, Clone, Serialize)]
pub struct RoundFormData {
    /// The draft being edited; `None` for a new round.
    pub round: Option<RoundRecord>,
    /// Every active general or service post of the unit. `seats`: for a new round what
    /// establishment and workload allow ([`fit_offers`]: each post its workload's seats,
    /// cut so no body exceeds its establishment less the middle managers it keeps; 0: not
    /// offered); for a draft, the seats it offers.
    pub posts: Vec<OfferPost>,
    /// People who may take part (on post in the unit, no middle post, not on the
    /// leadership team).
    pub candidates: Vec<Participant>,
}

impl App {
    /// The round form (TwowayManage): for a new round (`id` `None`) or a draft. A round
    /// that is no longer a draft is refused (`status` `plan_status_invalid`).
    pub async fn tw_form(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: Option<RoundId>,
    ) -> AppResult<RoundFormData> {
        self.require_unit(actor, Action::TwowayManage, unit).await?;
        let round = match id {
            Some(id) => {
                let r = self.tw_round_of(actor, unit, id).await?;
                TWOWAY_ROUNDS.check_editable(r.status)?;
                Some(r)
            }
            None => None,
        };
        let d = actor.district_id;
        let l = self.posts_load(d, unit).await?;
        let standard = self.posts_params(d, Some(unit)).await?.standard;
        let titles = self.tw_duty_titles(d, unit).await?;
        let offers = match &round {
            Some(r) => r.offers.clone(),
            None => {
                let est: BTreeMap<i64, i64> = l.bodies.iter().map(|(b, v)| (*b, v.2)).collect();
                fit_offers(&l.state, standard, &est)
            }
        };
        Ok(RoundFormData {
            posts: self.tw_posts(&l, standard, &offers, &titles),
            candidates: candidates(&l.state)
                .into_iter()
                .map(|p| Self::tw_person(&l, p))
                .collect(),
            round,
        })
    }
}
