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

closed_lists!("auth.toml");

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
