//! The use cases of two-way selection rounds.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::auth::{Action, Actor, Role};
use jiguan_domain::downsizing::{PlanId, routes_for};
use jiguan_domain::error::Errors;
use jiguan_domain::inbox::{NewNotice, Recipient};
use jiguan_domain::posts::assign::{Proposed, State, check_assignment};
use jiguan_domain::posts::{AssignmentId, PostId, service_years};
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::twoway::outcome::{BodyFigures, RoundData, adjust_proposals, solve_round};
use jiguan_domain::twoway::{
    Offer, Ranking, RoundForm, RoundId, Route, candidates, check_offer, eligibility,
    parse_exclusions, parse_prefs, parse_ranking, participants, workload_seats,
};
use jiguan_domain::workflow::{Status, Step, StepInput, TWOWAY_ROUNDS, Workflow};

use super::{
    ApplyWrite, PrefRecord, RankingRecord, RoundAt, RoundChange, RoundRecord, RoundResult,
    RoundWrite,
};
use crate::downsizing::{LineForm, StepAfter};
use crate::posts::{AssignmentWrite, Loaded, NewAssignment};
use crate::workflow::{PlanRef, status_err};
use crate::{App, AppError, AppResult};

impl PlanRef for RoundId {
    const FLOW: &'static Workflow = &TWOWAY_ROUNDS;
    type After = StepAfter;
    async fn head(self, app: &App, actor: &Actor, unit: UnitId) -> AppResult<(Status, String)> {
        let r = app.tw_round_of(actor, unit, self).await?;
        Ok((r.status, r.title))
    }
}

/// A post as the round shows it: what staff see when choosing (duties = its function
/// items' hours, workload, qualifications) and the most seats it may offer.
#[derive(Debug, Clone, Serialize)]
pub struct OfferPost {
    pub post_id: i64,
    pub title: String,
    pub body_id: i64,
    pub body_name: String,
    pub level: String,
    pub kind: String,
    pub min_education: String,
    pub min_service_years: i64,
    pub other_requirements: String,
    /// Duties (职责): the post's function items, each "title (hours a year)", in item order.
    pub duties: Vec<(String, i64)>,
    /// Annual hours and full-time equivalents (workload).
    pub hours: i64,
    pub max_seats: i64,
    /// Seats offered in the round (0: not offered).
    pub seats: i64,
}

/// A person of the round.
#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    pub person_id: i64,
    pub name: String,
    pub body_name: String,
    pub service_years: i64,
}

/// What the round's form needs.
#[derive(Debug, Clone, Serialize)]
pub struct Setup {
    pub posts: Vec<OfferPost>,
    pub candidates: Vec<Participant>,
}

/// One person's line of the result.
#[derive(Debug, Clone, Serialize)]
pub struct ResultLine {
    pub person: Participant,
    pub choices: Vec<i64>,
    pub accept_adjust: bool,
    pub post_id: Option<i64>,
    pub choice: Option<usize>,
    /// Placed by a confirmed 调剂.
    pub adjusted: bool,
    pub why: Vec<(i64, &'static str)>,
    pub proposal: Option<i64>,
    pub route: Option<Route>,
}

/// A round with everything its pages show.
#[derive(Debug, Clone, Serialize)]
pub struct RoundView {
    pub round: RoundRecord,
    pub posts: Vec<OfferPost>,
    pub participants: Vec<Participant>,
    pub prefs: Vec<PrefRecord>,
    pub rankings: Vec<RankingRecord>,
    /// Applicants per offered post, in the order the match uses.
    pub applicants: BTreeMap<i64, Vec<i64>>,
    pub result: Option<RoundResult>,
    pub lines: Vec<ResultLine>,
    pub by_body: Vec<(String, BodyFigures)>,
    /// Percent, one decimal.
    pub placement_rate: String,
    pub first_choice_rate: String,
}

impl RoundView {
    pub fn post(&self, id: i64) -> Option<&OfferPost> {
        self.posts.iter().find(|p| p.post_id == id)
    }
    pub fn person(&self, id: i64) -> Option<&Participant> {
        self.participants.iter().find(|p| p.person_id == id)
    }
    pub fn chose(&self, person: i64) -> bool {
        self.prefs.iter().any(|p| p.person_id == person)
    }
    pub fn ranked(&self, post: i64) -> bool {
        self.rankings.iter().any(|r| r.post_id == post)
    }
}

/// One person's choices as imported or entered by the office.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrefRow {
    /// The person's id.
    pub person: String,
    /// Post ids in order.
    pub prefs: Vec<String>,
    pub accept_adjust: bool,
}

/// What a reminder reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remind {
    /// Staff who have not chosen.
    Staff,
    /// Body heads who have not ranked.
    Heads,
}

impl Remind {
    pub fn parse(s: &str) -> AppResult<Self> {
        match s.trim() {
            "staff" => Ok(Remind::Staff),
            "heads" => Ok(Remind::Heads),
            _ => Err(AppError::field("who", "choice_invalid")),
        }
    }
}

#[derive(Serialize)]
struct Audited<'a, T: Serialize> {
    round: i64,
    #[serde(flatten)]
    what: &'a T,
}

/// Refuses unless the round is open (`status`/`plan_status_invalid`).
fn require_open(round: &RoundRecord) -> AppResult<()> {
    if round.status != Status::Open {
        return Err(jiguan_domain::workflow::status_invalid(round.status).into());
    }
    Ok(())
}

impl App {
    /// The audit entry of `action` on round `id` of `unit`.
    fn tw_audit(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: impl ToString,
        action: AuditAction,
    ) -> AuditEntry {
        self.audit(actor)
            .unit(unit)
            .did(action)
            .on(ObjectKind::TwowayRound, id)
    }

    /// Makes `change` to `round` with its audit entry; a conflict on the status names the
    /// status read.
    async fn tw_write(
        &self,
        round: &RoundRecord,
        change: RoundChange,
        audit: AuditEntry,
    ) -> AppResult<()> {
        self.store
            .tw_change(round.at(), &change, audit)
            .await
            .map_err(|e| status_err(e, round.status))
    }

    pub(crate) async fn tw_round_of(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
    ) -> AppResult<RoundRecord> {
        self.store
            .tw_round(RoundAt::of(actor, unit, id))
            .await?
            .ok_or(AppError::NotFound)
    }

    /// [`App::tw_round_of`], refused unless the round is open (`status`).
    async fn tw_open_round(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
    ) -> AppResult<RoundRecord> {
        let round = self.tw_round_of(actor, unit, id).await?;
        require_open(&round)?;
        Ok(round)
    }

    /// Refuses unless the actor may take one of `actions` in `unit`.
    async fn tw_require_any(
        &self,
        actor: &Actor,
        unit: UnitId,
        actions: &[Action],
    ) -> AppResult<()> {
        let a = actions
            .iter()
            .copied()
            .find(|a| actor.can(*a))
            .ok_or(AppError::Forbidden)?;
        self.require_unit(actor, a, unit).await.map(|_| ())
    }

    /// Rounds of a unit (everyone who takes part in one may list them).
    pub async fn tw_rounds(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<RoundRecord>> {
        use Action::*;
        self.tw_require_any(actor, unit, &[TwowayView, TwowayChoose, TwowayRank])
            .await?;
        Ok(self.store.tw_rounds(actor.district_id, Some(unit)).await?)
    }

    /// The titles of the unit's function items (职责事项), by id.
    pub(super) async fn tw_duty_titles(
        &self,
        d: jiguan_domain::tenancy::DistrictId,
        unit: UnitId,
    ) -> AppResult<BTreeMap<i64, String>> {
        let s = self
            .store
            .load_structure(d, unit, self.posts_today())
            .await?;
        Ok(s.functions
            .into_iter()
            .map(|f| (f.id.0, f.input.title))
            .collect())
    }

    pub(super) fn tw_posts(
        &self,
        l: &Loaded,
        standard: i64,
        offers: &[Offer],
        titles: &BTreeMap<i64, String>,
    ) -> Vec<OfferPost> {
        l.posts
            .iter()
            .filter(|p| p.active && !p.level.is_middle())
            .map(|p| OfferPost {
                post_id: p.id.0,
                title: p.title.clone(),
                body_id: p.body_id,
                body_name: l
                    .bodies
                    .get(&p.body_id)
                    .map(|b| b.0.clone())
                    .unwrap_or_default(),
                level: p.level.zh().to_string(),
                kind: p.establishment.zh().to_string(),
                min_education: p
                    .min_education
                    .map(|e| e.zh().to_string())
                    .unwrap_or_default(),
                min_service_years: p.min_service_years,
                other_requirements: p.other_requirements.clone(),
                duties: p
                    .functions
                    .iter()
                    .map(|(f, h)| {
                        let t = titles.get(f).cloned().unwrap_or_else(|| format!("#{f}"));
                        (t, *h)
                    })
                    .collect(),
                hours: p.hours(),
                max_seats: workload_seats(p.hours(), standard),
                seats: offers
                    .iter()
                    .find(|o| o.post_id == p.id.0)
                    .map_or(0, |o| o.seats),
            })
            .collect()
    }

    pub(super) fn tw_person(l: &Loaded, id: i64) -> Participant {
        let p = l.people.iter().find(|p| p.id == id);
        Participant {
            person_id: id,
            name: p.map(|p| p.name.clone()).unwrap_or_default(),
            body_name: p
                .and_then(|p| p.body_id)
                .and_then(|b| l.bodies.get(&b))
                .map(|b| b.0.clone())
                .unwrap_or_default(),
            service_years: p.map_or(0, |p| service_years(p.work_start, l.state.on)),
        }
    }

    /// The tie-break order of heads' rankings (TWS-3): more years of service first, then
    /// the person id.
    fn tw_tie(l: &Loaded, people: &[i64]) -> Vec<i64> {
        let mut v: Vec<(i64, i64)> = people
            .iter()
            .map(|p| (-Self::tw_person(l, *p).service_years, *p))
            .collect();
        v.sort_unstable();
        v.into_iter().map(|(_, p)| p).collect()
    }

    /// The form data of a round: the posts that may be offered, the people who may take
    /// part.
    pub async fn tw_setup(&self, actor: &Actor, unit: UnitId) -> AppResult<Setup> {
        self.require_unit(actor, Action::TwowayManage, unit).await?;
        let d = actor.district_id;
        let l = self.posts_load(d, unit).await?;
        let standard = self.posts_params(d, Some(unit)).await?.standard;
        let titles = self.tw_duty_titles(d, unit).await?;
        Ok(Setup {
            posts: self.tw_posts(&l, standard, &[], &titles),
            candidates: candidates(&l.state)
                .into_iter()
                .map(|p| Self::tw_person(&l, p))
                .collect(),
        })
    }

    async fn tw_check_write(
        &self,
        actor: &Actor,
        unit: UnitId,
        form: &RoundForm,
        offers: &[Offer],
        exclusions: &[(i64, String)],
    ) -> AppResult<RoundWrite> {
        let d = actor.district_id;
        let l = self.posts_load(d, unit).await?;
        let standard = self.posts_params(d, Some(unit)).await?.standard;
        let mut errs = Errors::new();
        let input = match form.parse() {
            Ok(i) => Some(i),
            Err(e) => {
                e.into_iter().for_each(|x| errs.push(x));
                None
            }
        };
        if offers.is_empty() {
            errs.push(FieldError::new("offers", "required"));
        }
        let est: BTreeMap<i64, i64> = l.bodies.iter().map(|(b, v)| (*b, v.2)).collect();
        for e in check_offer(&l.state, offers, standard, &est) {
            errs.push(e);
        }
        let ex = match parse_exclusions(exclusions, &candidates(&l.state)) {
            Ok(x) => x,
            Err(e) => {
                e.into_iter().for_each(|x| errs.push(x));
                Vec::new()
            }
        };
        errs.into_result()?;
        let input = input.ok_or_else(|| AppError::Internal("unreachable".into()))?;
        Ok(RoundWrite {
            input,
            offers: offers.to_vec(),
            exclusions: ex,
        })
    }

    /// Creates a draft round (TwowayManage). Errors: the form's, `offers` (required, and
    /// [`check_offer`]'s), `exclusions.N`.
    pub async fn tw_create_round(
        &self,
        actor: &Actor,
        unit: UnitId,
        form: &RoundForm,
        offers: &[Offer],
        exclusions: &[(i64, String)],
    ) -> AppResult<RoundId> {
        self.require_unit(actor, Action::TwowayManage, unit).await?;
        let w = self
            .tw_check_write(actor, unit, form, offers, exclusions)
            .await?;
        let audit = self
            .tw_audit(actor, unit, "", AuditAction::TwowayRoundCreate)
            .after(&w);
        Ok(self
            .store
            .tw_create_round(actor.district_id, unit, &w, audit)
            .await?)
    }

    /// Replaces a draft round's definition.
    pub async fn tw_update_round(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
        form: &RoundForm,
        offers: &[Offer],
        exclusions: &[(i64, String)],
    ) -> AppResult<()> {
        self.require_unit(actor, Action::TwowayManage, unit).await?;
        let r = self.tw_round_of(actor, unit, id).await?;
        TWOWAY_ROUNDS.check_editable(r.status)?;
        let w = self
            .tw_check_write(actor, unit, form, offers, exclusions)
            .await?;
        let audit = self.tw_audit(actor, unit, id, AuditAction::TwowayRoundUpdate);
        let audit = audit.after(&w);
        self.tw_write(&r, RoundChange::Definition(w), audit).await
    }

    /// Opens a draft round to staff and heads.
    pub async fn tw_open(&self, actor: &Actor, unit: UnitId, id: RoundId) -> AppResult<()> {
        self.require_step(actor, &TWOWAY_ROUNDS, Step::Open, unit)
            .await?;
        let r = self.tw_round_of(actor, unit, id).await?;
        self.record_step(
            actor,
            unit,
            (id, r.status, &r.title),
            Step::Open,
            StepInput::default(),
        )
        .await
    }

    /// A round with its posts, people, choices, rankings and result. Everyone who takes
    /// part may read it; staff pages show only their own line.
    pub async fn tw_view(&self, actor: &Actor, unit: UnitId, id: RoundId) -> AppResult<RoundView> {
        use Action::*;
        self.tw_require_any(actor, unit, &[TwowayView, TwowayChoose, TwowayRank])
            .await?;
        let d = actor.district_id;
        let round = self.tw_round_of(actor, unit, id).await?;
        let MatchInput {
            l,
            people,
            prefs,
            rankings,
            data,
        } = self.tw_match_input(&round).await?;
        let standard = self.posts_params(d, Some(unit)).await?.standard;
        let titles = self.tw_duty_titles(d, unit).await?;
        let posts: Vec<OfferPost> = self
            .tw_posts(&l, standard, &round.offers, &titles)
            .into_iter()
            .filter(|p| p.seats > 0)
            .collect();
        let mut applicants: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for p in &posts {
            let apps: Vec<i64> = people
                .iter()
                .copied()
                .filter(|s| data.prefs.get(s).is_some_and(|l| l.contains(&p.post_id)))
                .collect();
            applicants.insert(p.post_id, Self::tw_tie(&l, &apps));
        }
        let result = round.result();
        let mut lines = Vec::new();
        let (mut by_body, mut placement_rate, mut first_choice_rate) =
            (Vec::new(), String::new(), String::new());
        if let Some(res) = &result {
            for r in &res.outcome.people {
                let adj = res.adjusted.iter().find(|(p, _)| *p == r.person_id);
                let pref = prefs.iter().find(|p| p.person_id == r.person_id);
                lines.push(ResultLine {
                    person: Self::tw_person(&l, r.person_id),
                    choices: pref.map(|p| p.posts.clone()).unwrap_or_default(),
                    accept_adjust: pref.is_some_and(|p| p.accept_adjust),
                    post_id: r.post_id.or(adj.map(|a| a.1)),
                    choice: r.choice,
                    adjusted: adj.is_some(),
                    why: r.why.iter().map(|(p, w)| (*p, w.label_key())).collect(),
                    proposal: res
                        .proposals
                        .iter()
                        .find(|(p, _)| *p == r.person_id)
                        .map(|x| x.1),
                    route: res.routes.get(&r.person_id).copied(),
                });
            }
            let body_of: BTreeMap<i64, i64> =
                posts.iter().map(|p| (p.post_id, p.body_id)).collect();
            by_body = res
                .outcome
                .by_body(&data, &body_of)
                .into_iter()
                .map(|f| {
                    let name = l
                        .bodies
                        .get(&f.body_id)
                        .map(|b| b.0.clone())
                        .unwrap_or_default();
                    (name, f)
                })
                .collect();
            placement_rate = res.outcome.placement_rate().to_string();
            first_choice_rate = res.outcome.first_choice_rate().to_string();
        }
        Ok(RoundView {
            participants: people.iter().map(|p| Self::tw_person(&l, *p)).collect(),
            round,
            posts,
            prefs,
            rankings,
            applicants,
            result,
            lines,
            by_body,
            placement_rate,
            first_choice_rate,
        })
    }

    /// What the match reads of a round, and its input built from that.
    async fn tw_match_input(&self, round: &RoundRecord) -> AppResult<MatchInput> {
        let l = self.posts_load(round.district_id, round.unit_id).await?;
        let people = participants(&l.state, &round.exclusions);
        let prefs = self.store.tw_prefs(round.at()).await?;
        let rankings = self.store.tw_rankings(round.at()).await?;
        let data = Self::tw_data(&l, round, &people, &prefs, &rankings);
        Ok(MatchInput {
            l,
            people,
            prefs,
            rankings,
            data,
        })
    }

    /// The match's input: seats, each participant's choices (only offered posts), each
    /// post's strict order (the head's ranking, then the unranked applicants in the
    /// tie-break order, never those marked 不接受).
    fn tw_data(
        l: &Loaded,
        round: &RoundRecord,
        people: &[i64],
        prefs: &[PrefRecord],
        rankings: &[RankingRecord],
    ) -> RoundData {
        let seats: BTreeMap<i64, u32> = round
            .offers
            .iter()
            .map(|o| (o.post_id, u32::try_from(o.seats).unwrap_or(0)))
            .collect();
        let prefs: BTreeMap<i64, Vec<i64>> = people
            .iter()
            .map(|s| {
                let l = prefs
                    .iter()
                    .find(|p| p.person_id == *s)
                    .map(|p| {
                        p.posts
                            .iter()
                            .copied()
                            .filter(|q| seats.contains_key(q))
                            .collect()
                    })
                    .unwrap_or_default();
                (*s, l)
            })
            .collect();
        let tie = Self::tw_tie(l, people);
        let order = seats
            .keys()
            .map(|p| {
                let apps: Vec<i64> = prefs
                    .iter()
                    .filter(|(_, l)| l.contains(p))
                    .map(|(s, _)| *s)
                    .collect();
                let r = rankings
                    .iter()
                    .find(|r| r.post_id == *p)
                    .map(|r| r.ranking.clone())
                    .unwrap_or_default();
                (*p, r.full_order(&apps, &tie))
            })
            .collect();
        RoundData {
            seats,
            prefs,
            order,
        }
    }

    /// The person linked to the signed-in account, if a participant of the round.
    pub async fn tw_me(&self, actor: &Actor, unit: UnitId, id: RoundId) -> AppResult<i64> {
        let me = self
            .linked_person(actor)
            .await?
            .ok_or_else(|| AppError::field("person", "twoway_no_person"))?;
        let round = self.tw_round_of(actor, unit, id).await?;
        let l = self.posts_load(actor.district_id, unit).await?;
        if !participants(&l.state, &round.exclusions).contains(&me.id) {
            return Err(AppError::field("person", "twoway_not_participant"));
        }
        Ok(me.id)
    }

    /// Why the person may not take each offered post they do not qualify for (establishment
    /// kind, education, years of service: the posts module's rules), by post id; posts not
    /// listed are open to them. What the staff page shows before a choice is made.
    pub async fn tw_ineligible(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
        person: i64,
    ) -> AppResult<BTreeMap<i64, Vec<FieldError>>> {
        use Action::*;
        self.tw_require_any(actor, unit, &[TwowayManage, TwowayChoose])
            .await?;
        let round = self.tw_round_of(actor, unit, id).await?;
        let l = self.posts_load(actor.district_id, unit).await?;
        Ok(round
            .offers
            .iter()
            .filter_map(|o| {
                let v = eligibility(&l.state, person, o.post_id);
                (!v.is_empty()).then(|| {
                    let errs = v
                        .iter()
                        .map(|x| {
                            let mut e = x.to_field_error();
                            e.field = "post".into();
                            e
                        })
                        .collect();
                    (o.post_id, errs)
                })
            })
            .collect())
    }

    fn tw_check_prefs(
        l: &Loaded,
        round: &RoundRecord,
        person: i64,
        raw: &[String],
    ) -> Result<Vec<i64>, Vec<FieldError>> {
        let offered: Vec<i64> = round.offers.iter().map(|o| o.post_id).collect();
        parse_prefs(raw, &offered, round.max_choices, |p| {
            eligibility(&l.state, person, p)
        })
    }

    /// A staff member lists their own choices (TwowayChoose) in an open round. Errors:
    /// [`parse_prefs`]'s; `status` when the round is not open.
    pub async fn tw_save_my_prefs(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
        raw: &[String],
        accept_adjust: bool,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::TwowayChoose, unit).await?;
        let me = self.tw_me(actor, unit, id).await?;
        let round = self.tw_open_round(actor, unit, id).await?;
        let l = self.posts_load(actor.district_id, unit).await?;
        let posts = Self::tw_check_prefs(&l, &round, me, raw)?;
        let rec = PrefRecord {
            person_id: me,
            posts,
            accept_adjust,
            at: self.clock.now(),
        };
        self.tw_write_prefs(actor, unit, &round, &[rec]).await
    }

    async fn tw_write_prefs(
        &self,
        actor: &Actor,
        unit: UnitId,
        round: &RoundRecord,
        recs: &[PrefRecord],
    ) -> AppResult<()> {
        let audit = self.tw_audit(actor, unit, round.id, AuditAction::TwowayPrefsSave);
        let audit = audit.after(&recs);
        self.tw_write(round, RoundChange::Prefs(recs.to_vec()), audit)
            .await
    }

    /// The office enters or imports choices (TwowayManage): every row checked, all errors
    /// at once (`rows.N.person` choice_invalid, `rows.N.prefs.M` …), nothing written unless
    /// every row is valid. Returns the number of people written.
    pub async fn tw_import_prefs(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
        rows: &[PrefRow],
    ) -> AppResult<usize> {
        self.require_unit(actor, Action::TwowayManage, unit).await?;
        let round = self.tw_open_round(actor, unit, id).await?;
        let l = self.posts_load(actor.district_id, unit).await?;
        let people = participants(&l.state, &round.exclusions);
        let mut errs = Errors::new();
        let mut recs: Vec<PrefRecord> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let Some(p) = row
                .person
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|p| people.contains(p))
            else {
                errs.push(FieldError::new(
                    format!("rows.{i}.person"),
                    "choice_invalid",
                ));
                continue;
            };
            if recs.iter().any(|r| r.person_id == p) {
                errs.push(FieldError::new(format!("rows.{i}.person"), "duplicate"));
                continue;
            }
            match Self::tw_check_prefs(&l, &round, p, &row.prefs) {
                Ok(posts) => recs.push(PrefRecord {
                    person_id: p,
                    posts,
                    accept_adjust: row.accept_adjust,
                    at: self.clock.now(),
                }),
                Err(es) => {
                    for mut e in es {
                        e.field = format!("rows.{i}.{}", e.field);
                        errs.push(e);
                    }
                }
            }
        }
        if rows.is_empty() {
            errs.push(FieldError::new("rows", "required"));
        }
        errs.into_result()?;
        self.tw_write_prefs(actor, unit, &round, &recs).await?;
        Ok(recs.len())
    }

    /// Posts whose applicants the actor may rank: a body head the posts of their own body
    /// (the body of the person linked to the account), the office every offered post.
    pub async fn tw_rankable(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
    ) -> AppResult<Vec<i64>> {
        use Action::*;
        self.tw_require_any(actor, unit, &[TwowayManage, TwowayRank])
            .await?;
        let round = self.tw_round_of(actor, unit, id).await?;
        if actor.can(TwowayManage) {
            return Ok(round.offers.iter().map(|o| o.post_id).collect());
        }
        let body = self.linked_person(actor).await?.and_then(|p| p.body_id);
        let l = self.posts_load(actor.district_id, unit).await?;
        Ok(round
            .offers
            .iter()
            .map(|o| o.post_id)
            .filter(|p| {
                l.state
                    .posts
                    .get(p)
                    .is_some_and(|x| Some(x.body_id) == body)
            })
            .collect())
    }

    /// A body head (or the office) ranks one post's applicants: `order` maps each applicant
    /// to a position (1 = best) or `x` (不接受). Errors: `post` not_found (not a post the
    /// actor may rank), [`parse_ranking`]'s.
    pub async fn tw_save_ranking(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
        post: i64,
        order: &[(i64, String)],
    ) -> AppResult<()> {
        if !self.tw_rankable(actor, unit, id).await?.contains(&post) {
            return Err(AppError::field("post", "not_found"));
        }
        let v = self.tw_view(actor, unit, id).await?;
        require_open(&v.round)?;
        let apps = v.applicants.get(&post).cloned().unwrap_or_default();
        let ranking = parse_ranking(order, &apps)?;
        let rec = RankingRecord {
            post_id: post,
            ranking,
            by: actor.username.clone(),
            at: self.clock.now(),
        };
        let audit = self.tw_audit(actor, unit, id, AuditAction::TwowayRankingSave);
        let audit = audit.after(&Audited {
            round: id.0,
            what: &rec,
        });
        self.tw_write(&v.round, RoundChange::Ranking(rec), audit)
            .await
    }

    async fn tw_write_result(
        &self,
        actor: &Actor,
        unit: UnitId,
        round: &RoundRecord,
        res: &RoundResult,
        action: AuditAction,
    ) -> AppResult<()> {
        let json = serde_json::to_string(res).map_err(|e| AppError::Internal(e.to_string()))?;
        let audit = self.tw_audit(actor, unit, round.id, action);
        let audit = audit.before(&round.result()).after(res);
        self.tw_write(round, RoundChange::Result(json), audit).await
    }

    /// Runs the match of an open round (TwowayManage) with its mechanism, and proposes the
    /// seats left to the 服从调剂 people.
    pub async fn tw_match(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
    ) -> AppResult<RoundResult> {
        self.require_unit(actor, Action::TwowayManage, unit).await?;
        let round = self.tw_open_round(actor, unit, id).await?;
        let m = self.tw_match_input(&round).await?;
        let outcome = solve_round(&m.data, round.mode)?;
        let willing: Vec<i64> = Self::tw_tie(&m.l, &m.people)
            .into_iter()
            .filter(|s| m.prefs.iter().any(|p| p.person_id == *s && p.accept_adjust))
            .collect();
        let refused = |s: i64, p: i64| {
            m.rankings
                .iter()
                .any(|r| r.post_id == p && r.ranking.unacceptable.contains(&s))
        };
        let proposals = adjust_proposals(
            &outcome,
            &m.data,
            &willing,
            |s, p| eligibility(&m.l.state, s, p).is_empty(),
            refused,
        );
        let res = RoundResult {
            outcome,
            proposals,
            adjusted: Vec::new(),
            routes: BTreeMap::new(),
            matched_at: self.clock.now(),
        };
        self.tw_write_result(actor, unit, &round, &res, AuditAction::TwowayMatch)
            .await?;
        Ok(res)
    }

    async fn tw_result_of(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
    ) -> AppResult<(RoundRecord, RoundResult)> {
        let round = self.tw_round_of(actor, unit, id).await?;
        let res = round
            .result()
            .ok_or_else(|| AppError::field("result", "twoway_not_matched"))?;
        Ok((round, res))
    }

    /// The office confirms 调剂 proposals (`picks`: people whose proposal it confirms).
    /// Errors: `adjust.N` choice_invalid (no proposal for the person).
    pub async fn tw_confirm_adjust(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
        picks: &[i64],
    ) -> AppResult<()> {
        self.require_unit(actor, Action::TwowayManage, unit).await?;
        let (round, mut res) = self.tw_result_of(actor, unit, id).await?;
        let mut errs = Errors::new();
        for (i, s) in picks.iter().enumerate() {
            match res.proposals.iter().find(|(p, _)| p == s).copied() {
                Some(pp) if !res.adjusted.contains(&pp) => {
                    res.adjusted.push(pp);
                    res.routes.remove(s);
                }
                Some(_) => {}
                None => errs.push(FieldError::new(format!("adjust.{i}"), "choice_invalid")),
            }
        }
        if picks.is_empty() {
            errs.push(FieldError::new("adjust", "required"));
        }
        errs.into_result()?;
        self.tw_write_result(actor, unit, &round, &res, AuditAction::TwowayAdjustConfirm)
            .await
    }

    /// Sets the route of a person still unplaced. Errors: `person` choice_invalid (not
    /// unplaced), `route` choice_invalid.
    pub async fn tw_set_route(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
        person: i64,
        route: &str,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::TwowayManage, unit).await?;
        let (round, mut res) = self.tw_result_of(actor, unit, id).await?;
        let mut errs = Errors::new();
        if !res.unplaced().contains(&person) {
            errs.push(FieldError::new("person", "choice_invalid"));
        }
        let r = errs.take(Route::parse("route", route));
        errs.into_result()?;
        if let Some(r) = r {
            res.routes.insert(person, r);
        }
        self.tw_write_result(actor, unit, &round, &res, AuditAction::TwowayRouteSet)
            .await
    }

    /// Submits a matched round for approval: every person still unplaced needs a route
    /// (`routes` `twoway_route_missing` with `{n}`).
    pub async fn tw_submit(&self, actor: &Actor, unit: UnitId, id: RoundId) -> AppResult<()> {
        self.require_step(actor, &TWOWAY_ROUNDS, Step::Submit, unit)
            .await?;
        let (round, res) = self.tw_result_of(actor, unit, id).await?;
        let missing = res
            .unplaced()
            .iter()
            .filter(|p| !res.routes.contains_key(p))
            .count();
        if missing > 0 {
            return Err(FieldError::new("routes", "twoway_route_missing")
                .with("n", missing)
                .into());
        }
        self.record_step(
            actor,
            unit,
            (id, round.status, &round.title),
            Step::Submit,
            StepInput::default(),
        )
        .await
    }

    /// Applies an approved round (TwowayManage): the participants' open assignments end,
    /// each placed person gets the post as their main post (100 %), each checked by the
    /// posts module's rules against the unit's state as it will be; each gets a history
    /// row; all in one transaction with the status move. Errors:
    /// the rules' violations (`person`/`post` …, naming the person), `status`.
    pub async fn tw_apply(&self, actor: &Actor, unit: UnitId, id: RoundId) -> AppResult<()> {
        self.require_step(actor, &TWOWAY_ROUNDS, Step::Apply, unit)
            .await?;
        let d = actor.district_id;
        let (round, res) = self.tw_result_of(actor, unit, id).await?;
        let step = self.start_step(
            actor,
            &TWOWAY_ROUNDS,
            Step::Apply,
            id.0,
            round.status,
            StepInput::default(),
        )?;
        let l = self.posts_load(d, unit).await?;
        let people: BTreeSet<i64> = participants(&l.state, &round.exclusions)
            .into_iter()
            .collect();
        // The round places each participant's main post (主岗); posts held concurrently
        // (兼岗, 一人多岗) are kept, unless the person is now placed on that very post. The
        // new main post takes the share of work the kept ones leave.
        let placements = res.placements();
        let placed: BTreeSet<(i64, i64)> = placements.iter().copied().collect();
        let ends = |a: &jiguan_domain::posts::assign::Assignment| {
            people.contains(&a.person_id) && (a.main || placed.contains(&(a.person_id, a.post_id)))
        };
        let end: Vec<AssignmentId> = l
            .state
            .assignments
            .iter()
            .filter(|a| ends(a))
            .map(|a| AssignmentId(a.id))
            .collect();
        let mut cur: State = l.state.clone();
        cur.assignments.retain(|a| !ends(a));
        let mut create = Vec::new();
        let mut moves = Vec::new();
        let mut errs = Errors::new();
        for (n, (person, post)) in placements.into_iter().enumerate() {
            if !people.contains(&person) {
                errs.push(
                    FieldError::new("person", "twoway_not_participant").with("person", person),
                );
                continue;
            }
            let share = (100 - cur.total_share(person)).clamp(1, 100);
            let p = Proposed {
                post_id: post,
                person_id: person,
                share_pct: share,
                main: true,
                overtime: false,
            };
            let v = check_assignment(&cur, &p);
            if !v.is_empty() {
                v.iter().for_each(|x| errs.push(x.to_field_error()));
                continue;
            }
            cur.assignments
                .push(jiguan_domain::posts::assign::Assignment {
                    id: -1 - n as i64,
                    post_id: post,
                    person_id: person,
                    share_pct: share,
                    main: true,
                    overtime: false,
                });
            create.push(NewAssignment {
                post_id: PostId(post),
                person_id: person,
                share_pct: share,
                main: true,
                overtime: false,
            });
            if let Some(x) = l.state.posts.get(&post) {
                moves.push((person, format!("双向选择：{}（{}）", x.title, round.title)));
            }
        }
        errs.into_result()?;
        let notices = vec![NewNotice {
            unit_id: unit,
            recipient: Recipient::unit_role(Role::Staff),
            kind: "twoway.round.apply".into(),
            object: ObjectKind::TwowayRound,
            object_id: id.0,
            link: format!("/units/{unit}/twoway/{id}/mine"),
            params: BTreeMap::from([("title".to_string(), round.title.clone())]),
            at: step.at,
        }];
        let audit = self
            .step_audit(actor, unit, &TWOWAY_ROUNDS, ObjectKind::TwowayRound, &step)
            .after(&ApplyAudit {
                placed: create.len(),
                ended: end.len(),
                unplaced: res.unplaced().len(),
            });
        let w = ApplyWrite {
            step,
            doc_no: round.doc_no.clone(),
            assignments: AssignmentWrite {
                end,
                create,
                on: Some(self.posts_today()),
                reason: format!("two-way selection (双向选择) {}", round.title),
                by: actor.username.clone(),
                at: self.clock.now(),
            },
            moves,
            notices,
        };
        self.store
            .tw_apply(RoundAt::new(d, unit, id), &w, audit)
            .await
            .map_err(|e| status_err(e, round.status))
    }

    /// Reminds the staff who have not chosen, or the body heads who have not ranked: one
    /// inbox notice to the role in the unit. Returns how many are still waiting.
    pub async fn tw_remind(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
        who: Remind,
    ) -> AppResult<usize> {
        self.require_unit(actor, Action::TwowayManage, unit).await?;
        let v = self.tw_view(actor, unit, id).await?;
        require_open(&v.round)?;
        let (role, kind, waiting) = match who {
            Remind::Staff => (
                Role::Staff,
                "twoway.remind.staff",
                v.participants
                    .iter()
                    .filter(|p| !v.chose(p.person_id))
                    .count(),
            ),
            Remind::Heads => (
                Role::BodyHead,
                "twoway.remind.heads",
                v.posts.iter().filter(|p| !v.ranked(p.post_id)).count(),
            ),
        };
        let at = self.clock.now();
        let notices = vec![NewNotice {
            unit_id: unit,
            recipient: Recipient::unit_role(role),
            kind: kind.into(),
            object: ObjectKind::TwowayRound,
            object_id: id.0,
            link: format!(
                "/units/{unit}/twoway/{id}/{}",
                if who == Remind::Heads { "rank" } else { "mine" }
            ),
            params: BTreeMap::from([
                ("title".to_string(), v.round.title.clone()),
                ("choose_by".to_string(), v.round.choose_by.to_string()),
                ("rank_by".to_string(), v.round.rank_by.to_string()),
            ]),
            at,
        }];
        let audit = self
            .tw_audit(actor, unit, id, AuditAction::TwowayRemind)
            .after(&Audited {
                round: id.0,
                what: &BTreeMap::from([("kind", kind), ("waiting", &waiting.to_string())]),
            });
        self.store
            .tw_notify(actor.district_id, &notices, audit)
            .await?;
        Ok(waiting)
    }

    /// Drafts a downsizing plan (分流方案) from the people routed to downsizing, through
    /// the downsizing module's use cases: one line each, on the first route their
    /// identity allows (调剂 when allowed). Errors: `routes` `twoway_no_downsizing` when
    /// nobody is routed to downsizing; the downsizing module's own errors.
    pub async fn tw_downsizing_plan(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: RoundId,
    ) -> AppResult<PlanId> {
        self.require_unit(actor, Action::TwowayManage, unit).await?;
        let (round, res) = self.tw_result_of(actor, unit, id).await?;
        let who: Vec<i64> = res
            .routes
            .iter()
            .filter(|(_, r)| **r == Route::Downsizing)
            .map(|(p, _)| *p)
            .collect();
        if who.is_empty() {
            return Err(AppError::field("routes", "twoway_no_downsizing"));
        }
        let today = self.down_today().to_string();
        let plan = self
            .down_create_plan(
                actor,
                unit,
                &format!("{}未落岗人员分流", round.title),
                &today,
            )
            .await?;
        let l = self.posts_load(actor.district_id, unit).await?;
        for p in who {
            let Some(rec) = l.people.iter().find(|x| x.id == p) else {
                continue;
            };
            let routes = routes_for(rec.identity);
            let route = routes
                .iter()
                .find(|r| **r == jiguan_domain::downsizing::Route::Redeploy)
                .or(routes.first())
                .map_or("", |r| r.code());
            self.down_save_line(
                actor,
                unit,
                plan,
                &LineForm {
                    person: p.to_string(),
                    route: route.to_string(),
                    term_years: String::new(),
                    note: format!("双向选择未落岗（{}）", round.title),
                },
            )
            .await?;
        }
        Ok(plan)
    }
}

/// What the match reads of a round: the unit's posts and people, the round's participants,
/// choices and rankings, and the match's input built from them.
struct MatchInput {
    l: Loaded,
    people: Vec<i64>,
    prefs: Vec<PrefRecord>,
    rankings: Vec<RankingRecord>,
    data: RoundData,
}

#[derive(Serialize)]
struct ApplyAudit {
    placed: usize,
    ended: usize,
    unplaced: usize,
}

/// The order a ranking form shows: each applicant with their position, `x`, or blank.
pub fn ranking_form(r: Option<&Ranking>, applicants: &[i64]) -> Vec<(i64, String)> {
    applicants
        .iter()
        .map(|a| {
            let v = match r {
                Some(r) if r.unacceptable.contains(a) => "x".to_string(),
                Some(r) => r
                    .ranked
                    .iter()
                    .position(|x| x == a)
                    .map_or(String::new(), |i| (i + 1).to_string()),
                None => String::new(),
            };
            (*a, v)
        })
        .collect()
}
