//! The closed lists of the organisation module: kinds of body, their status, function
//! categories and review decisions. Each has a stable `code` (stored, in URLs and the API;
//! locale key `org.kind.<code>` etc.) and a parser that also accepts the Chinese term.

use serde::{Deserialize, Serialize};

coded_enum! {
    /// The kind of a body (内设机构). Sections (科室) are recorded as offices.
    pub enum BodyKind: "org.kind." {
        /// 办 (and 科室): an administrative office.
        Office = "office" ["办"],
        /// 所: an institute such as 财政所 or 司法所.
        Institute = "institute" ["所"],
        /// 中心: a centre that gathers functions (社会事务服务中心 …).
        Centre = "centre" ["中心"],
        /// 事业站所: a subordinate public institution or station (农机站, 环卫所 …).
        PublicInstitution = "public_institution" ["事业站所"],
        /// 企业化管理单位: an enterprise-managed unit (房地产公司, 自来水厂).
        EnterpriseUnit = "enterprise_unit" ["企业化管理单位"],
    }
}

coded_enum! {
    /// The category of a function item (职能事项).
    pub enum FunctionCategory: "org.cat." {
        /// 社会管理.
        SocialManagement = "social_management" ["社会管理"],
        /// 公共服务.
        PublicService = "public_service" ["公共服务"],
        /// 经济发展: economic regulation and development.
        Economic = "economic" ["经济发展"],
        /// 微观管理: micro-management of the economy (to be weakened).
        MicroManagement = "micro_management" ["微观管理"],
        /// 具体事务: routine affairs (to be weakened).
        RoutineAffairs = "routine_affairs" ["具体事务"],
        /// 党务群团: party and mass-organisation work.
        PartyAffairs = "party_affairs" ["党务群团"],
        /// 机关事务: the agency's own running.
        Internal = "internal" ["机关事务"],
    }
}

coded_enum! {
    /// The outcome of the item-by-item review (逐条梳理).
    pub enum ReviewDecision: "org.decision." {
        /// 保留.
        Keep = "keep" ["保留"],
        /// 强化.
        Strengthen = "strengthen" ["强化"],
        /// 弱化.
        Weaken = "weaken" ["弱化"],
        /// 剔除: removed (unfit for a market economy).
        Remove = "remove" ["剔除"],
        /// 划转: transferred out of the unit (to a district department, the market …).
        Transfer = "transfer" ["划转"],
    }
}

impl ReviewDecision {
    /// Whether the unit still performs the item after this decision.
    pub fn performed(self) -> bool {
        !matches!(self, ReviewDecision::Remove | ReviewDecision::Transfer)
    }
}

/// Where a body stands. Only active bodies hold functions and count against the caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "into")]
pub enum BodyStatus {
    /// 运行中.
    Active,
    /// 已并入: merged into another body, which keeps its nameplate record.
    Merged(super::BodyId),
    /// 已撤销.
    Abolished,
    /// 已转制: converted to an enterprise, outside the agency.
    Converted,
}

impl BodyStatus {
    pub fn code(self) -> &'static str {
        match self {
            BodyStatus::Active => "active",
            BodyStatus::Merged(_) => "merged",
            BodyStatus::Abolished => "abolished",
            BodyStatus::Converted => "converted",
        }
    }

    pub fn label_key(self) -> String {
        format!("org.status.{}", self.code())
    }

    pub fn is_active(self) -> bool {
        self == BodyStatus::Active
    }

    pub fn successor(self) -> Option<super::BodyId> {
        match self {
            BodyStatus::Merged(b) => Some(b),
            _ => None,
        }
    }

    /// Rebuilds a status from its stored code and successor.
    pub fn from_parts(code: &str, successor: Option<super::BodyId>) -> Option<Self> {
        match (code, successor) {
            ("active", _) => Some(BodyStatus::Active),
            ("merged", Some(b)) => Some(BodyStatus::Merged(b)),
            ("abolished", _) => Some(BodyStatus::Abolished),
            ("converted", _) => Some(BodyStatus::Converted),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_chinese_terms_parse() {
        for k in BodyKind::ALL {
            assert_eq!(BodyKind::from_code(k.code()), Some(*k));
            assert_eq!(BodyKind::from_code(k.zh()), Some(*k));
        }
        assert_eq!(
            BodyKind::parse("kind", "站").map_err(|e| e.code),
            Err("choice_invalid".into())
        );
        assert_eq!(
            FunctionCategory::parse("category", " ").map_err(|e| e.code),
            Err("required".into())
        );
        assert!(!ReviewDecision::Remove.performed());
        assert!(ReviewDecision::Weaken.performed());
        assert_eq!(
            BodyStatus::from_parts("merged", Some(super::super::BodyId(4))),
            Some(BodyStatus::Merged(super::super::BodyId(4)))
        );
        assert_eq!(BodyStatus::from_parts("merged", None), None);
    }
}
