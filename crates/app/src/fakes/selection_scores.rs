//! The scoring port in the fake: not kept (the scoring stages are tested through the real
//! store on both backends and the web tests); every method answers `not in fake`.

use async_trait::async_trait;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::ApplicationId;

use super::{FakeStore, not_in_fake};
use crate::ports::{Scoped, StoreResult};
use crate::selection::CastBallot;
use crate::selection::campaign::CampaignAt;
use crate::selection::evaluation::{EvaluationRecord, EvaluationStore};
use crate::selection::scoring::{
    ExamScoreRecord, InspectionRecord, JudgeRecord, JudgeWrite, ScoreStore, ScoresWrite,
    SheetScore, SheetWrite,
};

#[async_trait]
impl ScoreStore for FakeStore {
    async fn sc_exam_scores(&self, _: CampaignAt) -> StoreResult<Vec<ExamScoreRecord>> {
        Err(not_in_fake())
    }
    async fn sc_exam_save(
        &self,
        _: CampaignAt,
        _: &ScoresWrite<'_>,
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn sc_judges(&self, _: CampaignAt) -> StoreResult<Vec<JudgeRecord>> {
        Err(not_in_fake())
    }
    async fn sc_judge_add(&self, _: CampaignAt, _: &JudgeWrite, _: AuditEntry) -> StoreResult<i64> {
        Err(not_in_fake())
    }
    async fn sc_judge_by_code(&self, _: &str) -> StoreResult<Option<JudgeRecord>> {
        Err(not_in_fake())
    }
    async fn sc_judge_recusal(
        &self,
        _: Scoped<i64>,
        _: &[ApplicationId],
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn sc_sheet_submit(
        &self,
        _: Scoped<i64>,
        _: &SheetWrite<'_>,
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn sc_sheets(&self, _: CampaignAt) -> StoreResult<Vec<SheetScore>> {
        Err(not_in_fake())
    }
    async fn sc_inspections(&self, _: CampaignAt) -> StoreResult<Vec<InspectionRecord>> {
        Err(not_in_fake())
    }
    async fn sc_inspection_save(
        &self,
        _: CampaignAt,
        _: &InspectionRecord,
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
}

#[async_trait]
impl EvaluationStore for FakeStore {
    async fn ev_get(&self, _: CampaignAt) -> StoreResult<Option<EvaluationRecord>> {
        Err(not_in_fake())
    }
    async fn ev_issue(&self, _: CampaignAt, _: &[String], _: AuditEntry) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn ev_cast(&self, _: CampaignAt, _: CastBallot<'_>) -> StoreResult<bool> {
        Err(not_in_fake())
    }
    async fn ev_close(&self, _: CampaignAt, _: AuditEntry) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn ev_ballots(&self, _: CampaignAt) -> StoreResult<Vec<String>> {
        Err(not_in_fake())
    }
}
