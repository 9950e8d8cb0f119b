//! Policy rules (政策规则): pure functions, each citing its source (../shared/domain/RULES.md).

use crate::settings::ParamDef;

/// The policy parameters the rules use (filled in by the rules module).
pub const PARAMS: &[ParamDef] = &[];
