//! Accounts, roles and the role × action matrix. The server checks `Actor::can` on every
//! page and endpoint; the matrix below is the only place that says who may do what
//! (docs/ROLES.md is generated from it by a test).

use serde::Serialize;

use crate::FieldError;
use crate::tenancy::{DistrictId, UnitId, UserId};

id_type! {
    /// An API token of a user.
    TokenId;
}

coded_enum! {
    /// A role. A user may hold several; the union of their grants applies. Locale keys
    /// are the bare codes.
    pub enum Role: "" {
        /// 区管理员: district organisation/establishment office.
        DistrictAdmin = "district_admin" ["区管理员"],
        /// 单位管理员 (组织/人事): a town's HR and party office.
        UnitAdmin = "unit_admin" ["单位管理员（组织/人事）", "单位管理员"],
        /// 中层 (机构负责人): head of a body.
        BodyHead = "body_head" ["中层（机构负责人）", "中层"],
        /// 党委委员 / 党工委委员: committee member.
        CommitteeMember = "committee_member" ["党（工）委委员", "党委委员", "党工委委员"],
        /// 工作人员: ordinary staff.
        Staff = "staff" ["工作人员"],
        /// 审计员: read-only, at district or unit level.
        Auditor = "auditor" ["审计员（只读）", "审计员"],
    }
}

/// Where an account belongs: the district office or one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    District,
    Unit,
}

impl Role {
    /// Whether an account at `level` may hold this role.
    pub fn fits(self, level: Level) -> bool {
        match self {
            Role::DistrictAdmin => level == Level::District,
            Role::Auditor => true,
            _ => level == Level::Unit,
        }
    }

    /// The role × action matrix.
    pub fn grants(self, action: Action) -> bool {
        use Action::*;
        use Role::*;
        match action {
            Dashboard | Profile | CalcUse => true,
            UnitsList => matches!(self, DistrictAdmin | Auditor),
            UnitView => true,
            UnitManage | SettingsManage => self == DistrictAdmin,
            UsersView | AuditView | SettingsView => {
                matches!(self, DistrictAdmin | UnitAdmin | Auditor)
            }
            UsersManage => matches!(self, DistrictAdmin | UnitAdmin),
            // Organisation (机构设置).
            OrgView => true,
            OrgManage => self == UnitAdmin,
            OrgApprove => self == DistrictAdmin,
            // Establishment and people (编制与实名制).
            PeopleView => matches!(
                self,
                DistrictAdmin | UnitAdmin | BodyHead | CommitteeMember | Auditor
            ),
            PeopleManage => self == UnitAdmin,
            PeopleSensitive => matches!(self, DistrictAdmin | UnitAdmin),
            EstablishmentSet => self == DistrictAdmin,
            // Posts from work (因事定岗、因岗定编、因编定人).
            PostsView => matches!(
                self,
                DistrictAdmin | UnitAdmin | BodyHead | CommitteeMember | Auditor
            ),
            PostsManage => self == UnitAdmin,
            // Downsizing (分流).
            DownsizingView => matches!(self, DistrictAdmin | UnitAdmin | CommitteeMember | Auditor),
            DownsizingManage => self == UnitAdmin,
            DownsizingApprove => self == DistrictAdmin,
            // Competitive selection of middle managers (竞争上岗).
            SelectionView => matches!(self, DistrictAdmin | UnitAdmin | CommitteeMember | Auditor),
            SelectionManage => self == UnitAdmin,
            SelectionApprove => self == DistrictAdmin,
            SelectionVote => self == CommitteeMember,
            SelectionRegister => matches!(self, Staff | BodyHead),
            // Performance pay (绩效分配).
            PayView => matches!(self, DistrictAdmin | UnitAdmin | CommitteeMember | Auditor),
            PayPoolSet => self == DistrictAdmin,
            PayRun => self == UnitAdmin,
            PayApprove => self == CommitteeMember,
            // Two-way selection of posts (双向择岗).
            TwowayView => matches!(
                self,
                DistrictAdmin | UnitAdmin | BodyHead | CommitteeMember | Auditor
            ),
            TwowayManage => self == UnitAdmin,
            TwowayChoose => self == Staff,
            TwowayRank => self == BodyHead,
            TwowayApprove => matches!(self, DistrictAdmin | CommitteeMember),
            // Appraisal (年度考核 / 平时考核).
            AppraisalView => matches!(
                self,
                DistrictAdmin | UnitAdmin | BodyHead | CommitteeMember | Auditor
            ),
            AppraisalManage => self == UnitAdmin,
            AppraisalConfirm => self == CommitteeMember,
            AppraisalRate => matches!(self, UnitAdmin | BodyHead | CommitteeMember | Staff),
            // Reform results report (改革成效).
            ReportView => matches!(self, DistrictAdmin | UnitAdmin | CommitteeMember | Auditor),
            ReportDistrict => matches!(self, DistrictAdmin | Auditor),
            // Interview judges of a campaign (面试评委) are accounts of the unit.
            SelectionJudge => matches!(self, UnitAdmin | BodyHead | CommitteeMember | Staff),
            // The democratic evaluation's electorate (民主测评), with a one-time code.
            SelectionEvaluate => matches!(self, UnitAdmin | BodyHead | CommitteeMember | Staff),
        }
    }
}

coded_enum! {
    /// Everything a user can be allowed to do. A new module adds its actions here and its
    /// row of the matrix in [`Role::grants`].
    pub enum Action: "action." {
        /// See the dashboard (工作台).
        Dashboard = "dashboard" ["工作台"],
        /// Own profile, password and API tokens.
        Profile = "profile" ["个人设置"],
        /// List all units of the district (district view).
        UnitsList = "units_list" ["单位列表"],
        /// See one unit's overview.
        UnitView = "unit_view" ["单位概况"],
        /// Create and edit units.
        UnitManage = "unit_manage" ["单位管理"],
        /// See accounts.
        UsersView = "users_view" ["查看账号"],
        /// Create accounts, set roles, reset passwords, deactivate.
        UsersManage = "users_manage" ["账号管理"],
        /// Read the audit trail.
        AuditView = "audit_view" ["审计日志"],
        /// See policy parameters.
        SettingsView = "settings_view" ["查看政策参数"],
        /// Change policy parameters.
        SettingsManage = "settings_manage" ["修改政策参数"],
        /// Use the policy calculators.
        CalcUse = "calc_use" ["政策计算器"],
        /// See bodies, functions, totals, plans and org charts (机构设置).
        OrgView = "org_view" ["查看机构设置"],
        /// Edit a unit's bodies and functions, split its middle-post totals, draft and submit
        /// reorganisation plans.
        OrgManage = "org_manage" ["机构设置管理"],
        /// Set a unit's approved totals; approve, reject and apply reorganisation plans (区).
        OrgApprove = "org_approve" ["机构改革审批"],
        /// See the roster and establishment use (ID numbers masked).
        PeopleView = "people_view" ["查看人员"],
        /// Add, edit, move and import people; record establishment exceptions.
        PeopleManage = "people_manage" ["人员管理"],
        /// See full resident ID numbers and other personal data.
        PeopleSensitive = "people_sensitive" ["查看敏感信息"],
        /// Set establishment quotas by kind (编办).
        EstablishmentSet = "establishment_set" ["核定编制"],
        /// See posts, workloads, FTE need, assignments, coverage and workload balance (岗位).
        PostsView = "posts_view" ["查看岗位"],
        /// Edit posts and their workloads, assign people, accept balancing suggestions.
        PostsManage = "posts_manage" ["岗位管理"],
        /// See downsizing plans, their figures, notices and summaries (分流方案).
        DownsizingView = "downsizing_view" ["查看分流方案"],
        /// Draft, edit and submit a unit's downsizing plans; apply an approved plan.
        DownsizingManage = "downsizing_manage" ["分流方案管理"],
        /// Approve or reject downsizing plans (区).
        DownsizingApprove = "downsizing_approve" ["分流方案审批"],
        /// See competitive-selection campaigns and their published results (竞争上岗).
        SelectionView = "selection_view" ["查看竞争上岗"],
        /// Draft, edit, submit and publish a unit's campaign plans; run its stages (组织/人事).
        SelectionManage = "selection_manage" ["竞争上岗管理"],
        /// Approve or reject campaign plans (区).
        SelectionApprove = "selection_approve" ["竞争上岗方案审批"],
        /// Cast a ballot in the unit committee's secret ballot with a drawn token (党委会票决).
        SelectionVote = "selection_vote" ["党委会票决投票"],
        /// Register oneself for a published campaign (竞争上岗报名), on a phone.
        SelectionRegister = "selection_register" ["竞争上岗报名"],
        /// See pay pools, pay runs, slips and the district's spread report (绩效分配).
        PayView = "pay_view" ["查看绩效分配"],
        /// Set each unit's pay pool (区).
        PayPoolSet = "pay_pool_set" ["核定绩效奖金总额"],
        /// Create a unit's pay run, enter or import grades, compute, submit and apply (组织/人事).
        PayRun = "pay_run" ["绩效分配"],
        /// Approve or reject the unit's pay run (单位领导, 党委委员).
        PayApprove = "pay_approve" ["绩效分配审批"],
        /// See two-way selection rounds, progress and results (双向择岗).
        TwowayView = "twoway_view" ["查看双向择岗"],
        /// Set up, open and match a unit's rounds, confirm 调剂, set routes, apply (组织/人事).
        TwowayManage = "twoway_manage" ["双向择岗管理"],
        /// List one's own choices (志愿) in an open round (工作人员).
        TwowayChoose = "twoway_choose" ["填报志愿"],
        /// Rank the applicants to one's body's posts (中层).
        TwowayRank = "twoway_rank" ["排序应选人员"],
        /// Approve or reject a round's result (区 or 党委).
        TwowayApprove = "twoway_approve" ["双向择岗结果审批"],
        /// See appraisal cycles, scores with their explanation, grades and quotas (考核).
        AppraisalView = "appraisal_view" ["查看考核"],
        /// Run a unit's appraisal: cycles, participants, indicators, raters, scores, grades,
        /// publicity, appeals (组织/人事).
        AppraisalManage = "appraisal_manage" ["考核管理"],
        /// Confirm or send back a cycle's grades (考核委员会).
        AppraisalConfirm = "appraisal_confirm" ["考核委员会确认等次"],
        /// Rate colleagues with a one-time code (民主测评).
        AppraisalRate = "appraisal_rate" ["民主测评打分"],
        /// See a unit's reform results report (改革成效) and the records behind each figure.
        ReportView = "report_view" ["查看改革成效"],
        /// See the district's reform results dashboard over all its units (区).
        ReportDistrict = "report_district" ["全区改革成效"],
        /// Score candidates as a judge registered for a campaign's interview (面试评委), on
        /// one's own sheet only.
        SelectionJudge = "selection_judge" ["面试评分"],
        /// Cast an anonymous democratic-evaluation ballot with a one-time code (民主测评).
        SelectionEvaluate = "selection_evaluate" ["竞争上岗民主测评"],
    }
}

impl Action {
    /// Actions only district-level accounts may take, whatever their roles.
    pub fn district_only(self) -> bool {
        matches!(
            self,
            Action::UnitsList
                | Action::UnitManage
                | Action::SettingsManage
                | Action::OrgApprove
                | Action::EstablishmentSet
                | Action::DownsizingApprove
                | Action::SelectionApprove
                | Action::PayPoolSet
                | Action::ReportDistrict
        )
    }

    /// Whether the action changes data (auditors never get these).
    pub fn writes(self) -> bool {
        matches!(
            self,
            Action::UnitManage
                | Action::UsersManage
                | Action::SettingsManage
                | Action::OrgManage
                | Action::OrgApprove
                | Action::PeopleManage
                | Action::EstablishmentSet
                | Action::PostsManage
                | Action::DownsizingManage
                | Action::DownsizingApprove
                | Action::SelectionManage
                | Action::SelectionApprove
                | Action::SelectionVote
                | Action::SelectionRegister
                | Action::PayPoolSet
                | Action::PayRun
                | Action::PayApprove
                | Action::TwowayManage
                | Action::TwowayChoose
                | Action::TwowayRank
                | Action::TwowayApprove
                | Action::AppraisalManage
                | Action::AppraisalConfirm
                | Action::AppraisalRate
                | Action::SelectionJudge
                | Action::SelectionEvaluate
        )
    }
}

/// The signed-in user on whose behalf a use case runs. Every use case takes one, so tenant
/// scoping cannot be forgotten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub district_id: DistrictId,
    /// `None` for a district-level account (sees every unit of its district).
    pub unit_id: Option<UnitId>,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn level(&self) -> Level {
        if self.unit_id.is_some() {
            Level::Unit
        } else {
            Level::District
        }
    }

    pub fn can(&self, action: Action) -> bool {
        if action.district_only() && self.level() != Level::District {
            return false;
        }
        let level = self.level();
        self.roles.iter().any(|r| r.fits(level) && r.grants(action))
    }

    /// District staff see every unit of their district; unit staff only their own.
    pub fn sees_unit(&self, district: DistrictId, unit: UnitId) -> bool {
        self.district_id == district && self.unit_id.is_none_or(|u| u == unit)
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// The role × action matrix as a Markdown table (docs/ROLES.md is this text; a test keeps
/// them equal).
pub fn matrix_markdown() -> String {
    let mut out = String::from(
        "# Roles and actions (角色与权限)\n\n\
         Generated from `Role::grants` in crates/domain/src/auth.rs; a test fails when this \
         file and the code differ (run `UPDATE_DOCS=1 cargo test -p jiguan-domain` to \
         rewrite it). The server checks this matrix on every page and endpoint (the route \
         table names the action of each route), and every use case checks it again.\n\n\
         Scope: district-level accounts (区级) see every unit of their district; unit-level \
         accounts see only their own unit. Actions marked *district only* are refused to \
         unit-level accounts whatever their roles. A district role held by a unit account \
         (or the reverse) grants nothing.\n\n| action | district only |",
    );
    for r in Role::ALL {
        out.push_str(&format!(" {} |", r.code()));
    }
    out.push_str("\n|---|---|");
    for _ in Role::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for &a in Action::ALL {
        out.push_str(&format!(
            "| `{}` | {} |",
            a.code(),
            if a.district_only() { "yes" } else { "" }
        ));
        for r in Role::ALL {
            out.push_str(if r.grants(a) { " ✔ |" } else { " |" });
        }
        out.push('\n');
    }
    out.push_str(
        "\nRoles: `district_admin` 区管理员 (district level only), `unit_admin` 单位管理员（组织/人事）, \
         `body_head` 中层（机构负责人）, `committee_member` 党（工）委委员, `staff` 工作人员, \
         `auditor` 审计员 (read-only; district or unit level).\n",
    );
    out
}

/// A login name: 3–32 characters of `a-z 0-9 _ . -`, stored lower-case.
pub fn parse_username(field: &str, s: &str) -> Result<String, FieldError> {
    let v = s.trim().to_ascii_lowercase();
    if v.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let ok = (3..=32).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new(field, "username_invalid"))
    }
}

/// Password policy: 8–128 characters with at least one letter and one digit, not the
/// user name.
pub fn check_password(field: &str, password: &str, username: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n == 0 {
        return Err(FieldError::new(field, "required"));
    }
    if !(8..=128).contains(&n) {
        return Err(FieldError::new(field, "password_length")
            .with("min", 8)
            .with("max", 128));
    }
    let letter = password.chars().any(|c| c.is_alphabetic());
    let digit = password.chars().any(|c| c.is_ascii_digit());
    if !letter || !digit {
        return Err(FieldError::new(field, "password_weak"));
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(FieldError::new(field, "password_is_username"));
    }
    Ok(())
}

/// Parses a set of role codes for an account at `level`.
pub fn parse_roles(field: &str, codes: &[String], level: Level) -> Result<Vec<Role>, FieldError> {
    let mut roles = Vec::new();
    for c in codes {
        let r =
            Role::from_code(c.trim()).ok_or_else(|| FieldError::new(field, "choice_invalid"))?;
        if !r.fits(level) {
            return Err(FieldError::new(field, "role_level_mismatch").with("role", r.code()));
        }
        if !roles.contains(&r) {
            roles.push(r);
        }
    }
    if roles.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    roles.sort();
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(unit: Option<i64>, roles: Vec<Role>) -> Actor {
        Actor {
            user_id: UserId(1),
            username: "u".into(),
            display_name: "U".into(),
            district_id: DistrictId(1),
            unit_id: unit.map(UnitId),
            roles,
        }
    }

    #[test]
    fn roles_doc_matches_the_matrix() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/ROLES.md");
        let want = matrix_markdown();
        if std::env::var("UPDATE_DOCS").is_ok() {
            let _ = std::fs::write(path, &want);
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/ROLES.md is out of date: run UPDATE_DOCS=1 cargo test -p jiguan-domain"
        );
    }

    #[test]
    fn auditor_never_writes() {
        for &a in Action::ALL {
            if a.writes() {
                assert!(!Role::Auditor.grants(a), "{a:?}");
            }
        }
    }

    #[test]
    fn unit_accounts_cannot_take_district_actions() {
        let a = actor(Some(3), vec![Role::Auditor, Role::UnitAdmin]);
        assert!(!a.can(Action::UnitsList));
        assert!(a.can(Action::AuditView));
        // A district role held by a unit account is ignored.
        let b = actor(Some(3), vec![Role::DistrictAdmin]);
        assert!(!b.can(Action::UnitManage));
        assert!(!b.can(Action::UsersManage));
    }

    #[test]
    fn unit_scope() {
        let d = actor(None, vec![Role::DistrictAdmin]);
        assert!(d.sees_unit(DistrictId(1), UnitId(9)));
        assert!(!d.sees_unit(DistrictId(2), UnitId(9)));
        let u = actor(Some(3), vec![Role::Staff]);
        assert!(u.sees_unit(DistrictId(1), UnitId(3)));
        assert!(!u.sees_unit(DistrictId(1), UnitId(4)));
    }

    #[test]
    fn password_policy() {
        assert!(check_password("p", "abc12345", "admin").is_ok());
        assert_eq!(
            check_password("p", "abc", "x").map_err(|e| e.code),
            Err("password_length".into())
        );
        assert_eq!(
            check_password("p", "abcdefgh", "x").map_err(|e| e.code),
            Err("password_weak".into())
        );
        assert_eq!(
            check_password("p", "admin123", "ADMIN123").map_err(|e| e.code),
            Err("password_is_username".into())
        );
    }

    #[test]
    fn roles_must_fit_level() {
        let codes = vec!["district_admin".to_string()];
        assert!(parse_roles("roles", &codes, Level::Unit).is_err());
        assert_eq!(
            parse_roles("roles", &codes, Level::District),
            Ok(vec![Role::DistrictAdmin])
        );
        assert!(parse_roles("roles", &[], Level::Unit).is_err());
    }
}
