//! The calculator facade: ONE entry point ([`run`]) used by the CLI (`jiguan calc`), the JSON
//! API and the HTML calculator page, so that all three give identical results.
//!
//! Inputs are text fields by name ([`CalcKind::fields`]); blank fields count as absent and
//! unknown fields are ignored. The output's `result` is the JSON object of the CLI contract:
//! dates ISO (`2026-10-12`), months `YYYY-MM`, money as yuan strings with exactly two decimals
//! (`"138000.00"`), decimals as strings (`"11.5"`, scores `"87.83"`), counts as numbers.
//!
//! | kind | inputs | result |
//! |---|---|---|
//! | `retirement` | birth, category | birth, category, original_age{years,months}, delay_months, retirement_age{years,months}, retirement_month |
//! | `early-retirement` | birth, category, work-start, on, staff? | eligible, grounds[], service{years,months}, retirement_month |
//! | `severance` | start, end, monthly-wage, local-average, unlawful?, minimum-wage? | service{years,months,days}, months_of_pay, base, capped, amount, parts[{rule,from,to,service,months_of_pay,base,capped,factor,amount}] |
//! | `workdays` | from, count? (default `selection.publicity_workdays`) | from, count, days[], last |
//! | `workday` | date | date, workday, reason |
//! | `id` | number, today? | valid, area, birth, gender — or valid=false, reason |
//! | `interview` | scores | method, kept[], score |
//! | `committee` | members, present, yes, no?, defer? | quorum, needed, approved |
//! | `excellent-quota` | count, rate? | max_excellent |
//! | `allocate` | pool, weights (`id=w,id=w`) | pool, shares[{id,amount}] |
//!
//! Severance `parts[].rule` says which rule each period followed: `labour_1994` (service before
//! 2008-01-01, 劳动合同法 art. 97 → 1994 rules), `art47`, `art87` (unlawful, doubled, counted
//! from the start), `local` (the district's 工龄一次性补偿). `capped` and `base` at the top are
//! those of the art. 47 part.
//!
//! # Error codes ([`FieldError::code`], translated by the web layer as `err.<code>`)
//! | code | args | 中文 / English |
//! |---|---|---|
//! | `required` | | 必填 / Required |
//! | `month_invalid` | | 月份格式应为 YYYY-MM / Month must be YYYY-MM |
//! | `date_invalid` | | 日期格式应为 YYYY-MM-DD / Date must be YYYY-MM-DD |
//! | `choice_invalid` | | 选项无效 / Not one of the options |
//! | `integer_invalid` | | 应为整数 / Must be a whole number |
//! | `number_invalid` | value? | 数字无效：{value} / Not a number: {value} |
//! | `out_of_range` | min, max | 应在 {min} 至 {max} 之间 / Must be between {min} and {max} |
//! | `money_invalid` | | 金额无效 / Invalid amount |
//! | `money_too_precise` | | 金额最多两位小数 / At most two decimals |
//! | `must_be_positive` | | 应大于零 / Must be greater than zero |
//! | `must_not_be_negative` | | 不能为负数 / Must not be negative |
//! | `date_order` | | 日期先后顺序不对 / Dates are in the wrong order |
//! | `too_large` | | 数值过大 / Number too large |
//! | `calendar_missing` | year | 未载入 {year} 年节假日安排 / The {year} holiday schedule is not loaded |
//! | `present_exceeds_members` | | 到会人数超过应到会人数 / More present than members |
//! | `votes_exceed_present` | | 票数超过到会人数 / More votes than members present |
//! | `pair_invalid` | entry | 应为“编号=权重”：{entry} / Expected id=weight: {entry} |
//! | `duplicate_id` | id | 编号重复：{id} / Duplicate id: {id} |
//! | `weights_zero` | | 权重不能全为零 / At least one weight must be positive |
//! | `param_unknown` | | 未知政策参数 / Unknown policy parameter |
//! | `param_kind` | | 政策参数类型不符 / Policy parameter of the wrong type |
//!
//! ID reasons (`id` result `reason`, not errors): `id_length` 号码应为18位 / must have 18
//! characters; `id_chars` 前17位应为数字、末位为数字或X / 17 digits then a digit or X; `id_area`
//! 地区码无效 / unknown area code; `id_birth` 出生日期无效 / invalid birth date;
//! `id_birth_future` 出生日期晚于今天 / birth date in the future; `id_checksum` 校验码不符 /
//! check character does not match.
//!
//! # Step keys ([`Step::key`], rendered with [`Step::args`])
//! | key | 中文 | English |
//! |---|---|---|
//! | `step.retirement.original_age` | 原法定退休年龄 {years} 岁 | Original statutory age {years} |
//! | `step.retirement.no_delay` | 出生于 {first} 之前，不延迟 | Born before {first}: no delay |
//! | `step.retirement.delay` | 出生月份比 {first} 晚 {k} 个月，每 {step} 个月延迟 1 个月，延迟 {months} 个月（最多 {max} 个月） | Born {k} months after {first}: 1 month per {step}, delay {months} months (at most {max}) |
//! | `step.retirement.age` | 法定退休年龄 {years} 岁 {months} 个月 | Statutory retirement age {years} years {months} months |
//! | `step.retirement.month` | {birth} 出生，{month} 退休 | Born {birth}, retires {month} |
//! | `step.early.statutory` | 法定退休时间 {month}（{years} 岁 {months} 个月） | Statutory retirement {month} (age {years}y {months}m) |
//! | `step.early.service` | 工作年限 {years} 年 {months} 个月（{start} 至 {on}） | Service {years} years {months} months ({start} to {on}) |
//! | `step.early.rule_not_applied` | 本地区事业单位人员不适用公务员法第九十三条 | Art. 93 does not apply to institution staff here |
//! | `step.early.age_reached` | {on} 已达法定退休年龄（{month}），不属提前退休 | On {on} the statutory age ({month}) is reached: not early retirement |
//! | `step.early.service_30_years.met` | 工作年限满三十年：符合 | Service of 30 years: met |
//! | `step.early.service_30_years.not_met` | 工作年限满三十年：不符合 | Service of 30 years: not met |
//! | `step.early.near_retirement_20_years.met` | 距法定退休年龄不足五年（{after} 之后）且工作年限满二十年：符合 | Less than 5 years before retirement (after {after}) and 20 years of service: met |
//! | `step.early.near_retirement_20_years.not_met` | 距法定退休年龄不足五年（{after} 之后）且工作年限满二十年：不符合 | Less than 5 years before retirement (after {after}) and 20 years of service: not met |
//! | `step.early.eligible` | 可以申请提前退休 | May apply for early retirement |
//! | `step.early.not_eligible` | 不符合提前退休条件 | Not eligible for early retirement |
//! | `step.severance.service` | 工作年限 {years} 年 {months} 个月 {days} 天（{from} 至 {to}，含首尾） | Service {years}y {months}m {days}d ({from} to {to}, inclusive) |
//! | `step.severance.minimum_wage` | 月工资 {wage} 低于当地最低工资，按 {minimum} 计算 | Wage {wage} below the local minimum: {minimum} used |
//! | `step.severance.capped` | 月工资 {wage} 高于当地月平均工资 {average} 的 {multiple} 倍（{cap}）：基数 {cap}，年限最高 {years} 年 | Wage {wage} exceeds {multiple} × average {average} ({cap}): base {cap}, at most {years} years |
//! | `step.severance.not_capped` | 月工资 {wage} 未超过当地月平均工资 {average} 的 {multiple} 倍（{cap}） | Wage {wage} does not exceed {multiple} × average {average} ({cap}) |
//! | `step.severance.part.labour_1994` | {from} 至 {to}（{years} 年 {months} 个月 {days} 天）按当时规定：每年 1 个月，不满一年按一年，最多 12 个月：{months_of_pay} × {base} = {amount} | {from}–{to} ({years}y {months}m {days}d) under the rules of the time: 1 month per year, a part year counts in full, at most 12: {months_of_pay} × {base} = {amount} |
//! | `step.severance.part.art47` | {from} 至 {to}（{years} 年 {months} 个月 {days} 天）按劳动合同法第四十七条：{months_of_pay} × {base} = {amount} | {from}–{to} ({years}y {months}m {days}d) under art. 47: {months_of_pay} × {base} = {amount} |
//! | `step.severance.part.art87` | 违法解除，自用工之日起计算（{years} 年 {months} 个月 {days} 天），按经济补偿标准二倍：{months_of_pay} × {base} × {factor} = {amount} | Unlawful termination, counted from the start ({years}y {months}m {days}d), twice the standard: {months_of_pay} × {base} × {factor} = {amount} |
//! | `step.severance.part.local` | 工龄一次性补偿（{years} 年 {months} 个月 {days} 天）：每年 {per_year} 个月，{months_of_pay} × {base} = {amount} | One-time service compensation ({years}y {months}m {days}d): {per_year} months per year, {months_of_pay} × {base} = {amount} |
//! | `step.severance.total` | 合计 {amount} 元 | Total {amount} yuan |
//! | `step.workdays.count_default` | 按任前公示期 {count} 个工作日计算 | Using the publicity period of {count} working days |
//! | `step.workdays.skip_weekend` | {date} 周末，不计 | {date} weekend, not counted |
//! | `step.workdays.skip_holiday` | {date} 法定节假日，不计 | {date} official day off, not counted |
//! | `step.workdays.last` | 自 {from} 起第 {count} 个工作日为 {last} | The {count}th working day from {from} is {last} |
//! | `step.workday.weekday` | {date} 为工作日 | {date} is a weekday |
//! | `step.workday.weekend` | {date} 为周末 | {date} is a weekend day |
//! | `step.workday.holiday` | {date} 为法定节假日 | {date} is an official day off |
//! | `step.workday.swapped_workday` | {date} 为调休上班日 | {date} is a swapped working day |
//! | `step.id.checksum_ok` | 校验码 {check} 正确 | Check character {check} is correct |
//! | `step.id.area` | 地区码 {area} | Area code {area} |
//! | `step.id.birth` | 出生日期 {birth} | Birth date {birth} |
//! | `step.id.gender_male` | 顺序码 {sequence} 为奇数：男 | Sequence {sequence} is odd: male |
//! | `step.id.gender_female` | 顺序码 {sequence} 为偶数：女 | Sequence {sequence} is even: female |
//! | `step.id.invalid` | 号码无效：{reason}（按 err.{reason} 翻译） | Invalid number: {reason} (translate as err.{reason}) |
//! | `step.interview.plain` | 评委 {judges} 人，不超过 {threshold} 人：取全部分数平均 | {judges} judges, not more than {threshold}: plain average |
//! | `step.interview.trimmed` | 评委 {judges} 人，超过 {threshold} 人：去掉一个最高分 {highest} 和一个最低分 {lowest} | {judges} judges, more than {threshold}: highest {highest} and lowest {lowest} dropped |
//! | `step.interview.average` | {sum} ÷ {count} = {score}（保留两位小数，四舍五入） | {sum} ÷ {count} = {score} (2 decimals, half away from zero) |
//! | `step.committee.quorum_met` | 应到会 {members} 人，实到 {present} 人，达到三分之二（{quorum_needed} 人） | {present} of {members} present: two-thirds quorum ({quorum_needed}) met |
//! | `step.committee.quorum_not_met` | 应到会 {members} 人，实到 {present} 人，不足三分之二（{quorum_needed} 人） | {present} of {members} present: two-thirds quorum ({quorum_needed}) not met |
//! | `step.committee.votes` | 同意 {yes}、不同意 {no}、缓议 {defer}；需应到会成员过半数 {needed} 票 | Yes {yes}, no {no}, defer {defer}; {needed} yes votes needed (more than half of all {members} members) |
//! | `step.committee.approved` | 同意 {yes} 票，达到 {needed} 票：通过 | {yes} yes of {needed} needed: approved |
//! | `step.committee.not_approved` | 未通过（同意 {yes} 票，需 {needed} 票且须达到法定人数） | Not approved ({yes} yes; {needed} needed with a quorum) |
//! | `step.appraisal.rate_input` | 按输入比例 {rate}% | Using the entered rate {rate}% |
//! | `step.appraisal.quota` | 优秀名额 = ⌊{count} × {rate}%⌋ = ⌊{exact}⌋ = {max} | Excellent quota = ⌊{count} × {rate}%⌋ = ⌊{exact}⌋ = {max} |
//! | `step.allocation.method` | 总额 {pool} 元按权重（合计 {total_weight}）在 {count} 人间分配，精确到分 | {pool} yuan shared by weight (total {total_weight}) among {count}, to the fen |
//! | `step.allocation.remainder` | 取整后余 {fen} 分，按余数从大到小各加 1 分 | {fen} fen left after rounding down, one each to the largest remainders |
//! | `step.allocation.share` | {id}：权重 {weight}，{amount} 元 | {id}: weight {weight}, {amount} yuan |
//! | `step.allocation.share_plus_fen` | {id}：权重 {weight}，{amount} 元（含余数 1 分） | {id}: weight {weight}, {amount} yuan (incl. 1 remainder fen) |

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use super::allocation::{AllocError, allocate_detailed};
use super::appraisal::{MAX_RATE_PCT, max_excellent};
use super::calendar::{Calendar, DayReason};
use super::early_retirement::{Ground, Staff, Window, early_retirement};
use super::id_number::{Gender, IdError, IdNumber};
use super::keys;
use super::params::Params;
use super::retirement::{Category, Retirement, YearMonth, statutory_retirement};
use super::selection::{CommitteeVote, InterviewMethod, committee_decision, interview_score};
use super::severance::{Cap, Formula, LocalBase, PartRule, Severance, SeveranceInput, severance};
use crate::FieldError;
use crate::money::Money;

id_type! {
    /// A saved calculation (`/calc/saved/{id}`).
    SavedCalcId;
}

/// Every error code [`run`] can return.
pub const ERROR_CODES: &[&str] = &[
    "required",
    "month_invalid",
    "date_invalid",
    "choice_invalid",
    "integer_invalid",
    "number_invalid",
    "out_of_range",
    "money_invalid",
    "money_too_precise",
    "must_be_positive",
    "must_not_be_negative",
    "date_order",
    "too_large",
    "calendar_missing",
    "present_exceeds_members",
    "votes_exceed_present",
    "pair_invalid",
    "duplicate_id",
    "weights_zero",
    "param_unknown",
    "param_kind",
];

/// Every reason an `id` result may give for `valid: false`.
pub const ID_REASONS: &[&str] = &[
    "id_length",
    "id_chars",
    "id_area",
    "id_birth",
    "id_birth_future",
    "id_checksum",
];

/// Every step key [`run`] can emit.
pub const STEP_KEYS: &[&str] = &[
    "step.retirement.original_age",
    "step.retirement.no_delay",
    "step.retirement.delay",
    "step.retirement.age",
    "step.retirement.month",
    "step.early.statutory",
    "step.early.service",
    "step.early.rule_not_applied",
    "step.early.age_reached",
    "step.early.service_30_years.met",
    "step.early.service_30_years.not_met",
    "step.early.near_retirement_20_years.met",
    "step.early.near_retirement_20_years.not_met",
    "step.early.eligible",
    "step.early.not_eligible",
    "step.severance.service",
    "step.severance.minimum_wage",
    "step.severance.capped",
    "step.severance.not_capped",
    "step.severance.part.labour_1994",
    "step.severance.part.art47",
    "step.severance.part.art87",
    "step.severance.part.local",
    "step.severance.total",
    "step.workdays.count_default",
    "step.workdays.skip_weekend",
    "step.workdays.skip_holiday",
    "step.workdays.last",
    "step.workday.weekday",
    "step.workday.weekend",
    "step.workday.holiday",
    "step.workday.swapped_workday",
    "step.id.checksum_ok",
    "step.id.area",
    "step.id.birth",
    "step.id.gender_male",
    "step.id.gender_female",
    "step.id.invalid",
    "step.interview.plain",
    "step.interview.trimmed",
    "step.interview.average",
    "step.committee.quorum_met",
    "step.committee.quorum_not_met",
    "step.committee.votes",
    "step.committee.approved",
    "step.committee.not_approved",
    "step.appraisal.rate_input",
    "step.appraisal.quota",
    "step.allocation.method",
    "step.allocation.remainder",
    "step.allocation.share",
    "step.allocation.share_plus_fen",
];

const SRC_RETIREMENT: &str = "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 \
                              (2024-09-13); 国务院关于渐进式延迟法定退休年龄的办法";
const SRC_ART93: &str = "公务员法 (2018) 第九十三条";
const SRC_ART47: &str = "劳动合同法 第四十七条";
const SRC_REG27: &str = "劳动合同法实施条例 第二十七条";
const SRC_ART87: &str = "劳动合同法 第八十七条; 劳动合同法实施条例 第二十五条";
const SRC_ART97: &str =
    "劳动合同法 第九十七条; 违反和解除劳动合同的经济补偿办法 (劳部发〔1994〕481号) 第五、六条";
const SRC_LOCAL_SEVERANCE: &str = "local policy parameter: 工龄一次性补偿 (severance.local_*)";
const SRC_HOLIDAYS: &str =
    "全国年节及纪念日放假办法 (2024-11-10); 国务院办公厅 yearly holiday schedule (国办发明电)";
const SRC_PUBLICITY: &str = "党政领导干部选拔任用工作条例 (任前公示: 不少于五个工作日)";
const SRC_ID: &str = "GB 11643-1999 公民身份号码";
const SRC_SELECTION: &str = "党政机关竞争上岗工作暂行规定 (2004) 第六条";
const SRC_INTERVIEW: &str =
    "local policy parameter: interview scoring (selection.interview_trim_threshold)";
const SRC_COMMITTEE: &str = "党政领导干部选拔任用工作条例 (讨论决定: 三分之二以上成员到会, \
                             应到会成员超过半数同意)";
const SRC_APPRAISAL: &str = "公务员法 (2018) 第三十六至三十九条; 公务员考核规定 (优秀比例一般不超过 \
                             20%, 经批准可到 25%)";
const SRC_ALLOCATION: &str =
    "local policy: pay pool shared by weights (largest remainder, exact to the fen)";

closed_lists!("rules/calc.toml");

/// The type of an input field, for building forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum FieldKind {
    /// `YYYY-MM`.
    YearMonth,
    /// `YYYY-MM-DD`.
    Date,
    /// One of the codes.
    Choice { options: &'static [&'static str] },
    /// Yuan with at most two decimals.
    Money,
    /// A whole number within the bounds.
    Integer { min: i64, max: i64 },
    /// A decimal within the bounds.
    Decimal { min: i64, max: i64 },
    /// Decimals separated by commas (`85,90.5,88`).
    DecimalList,
    /// `true` / `false`.
    Bool,
    /// Free text.
    Text,
    /// `id=weight` pairs separated by commas.
    WeightList,
}

/// One input field of a calculator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

const fn f(name: &'static str, kind: FieldKind, required: bool) -> Field {
    Field {
        name,
        kind,
        required,
    }
}

const CATEGORIES: &[&str] = &["male", "female-cadre", "female-worker"];
const STAFF: &[&str] = &["civil-servant", "institution"];
const COUNT_MAX: i64 = 1000;
const PEOPLE_MAX: i64 = 1_000_000;
const SCORE_MAX: i64 = 1000;

const F_RETIREMENT: &[Field] = &[
    f("birth", FieldKind::YearMonth, true),
    f(
        "category",
        FieldKind::Choice {
            options: CATEGORIES,
        },
        true,
    ),
];
const F_EARLY: &[Field] = &[
    f("birth", FieldKind::YearMonth, true),
    f(
        "category",
        FieldKind::Choice {
            options: CATEGORIES,
        },
        true,
    ),
    f("work-start", FieldKind::YearMonth, true),
    f("on", FieldKind::Date, true),
    f("staff", FieldKind::Choice { options: STAFF }, false),
];
const F_SEVERANCE: &[Field] = &[
    f("start", FieldKind::Date, true),
    f("end", FieldKind::Date, true),
    f("monthly-wage", FieldKind::Money, true),
    f("local-average", FieldKind::Money, true),
    f("unlawful", FieldKind::Bool, false),
    f("minimum-wage", FieldKind::Money, false),
];
const F_WORKDAYS: &[Field] = &[
    f("from", FieldKind::Date, true),
    f(
        "count",
        FieldKind::Integer {
            min: 1,
            max: COUNT_MAX,
        },
        false,
    ),
];
const F_WORKDAY: &[Field] = &[f("date", FieldKind::Date, true)];
const F_ID: &[Field] = &[
    f("number", FieldKind::Text, true),
    f("today", FieldKind::Date, false),
];
const F_INTERVIEW: &[Field] = &[f("scores", FieldKind::DecimalList, true)];
const F_COMMITTEE: &[Field] = &[
    f(
        "members",
        FieldKind::Integer {
            min: 1,
            max: COUNT_MAX,
        },
        true,
    ),
    f(
        "present",
        FieldKind::Integer {
            min: 0,
            max: COUNT_MAX,
        },
        true,
    ),
    f(
        "yes",
        FieldKind::Integer {
            min: 0,
            max: COUNT_MAX,
        },
        true,
    ),
    f(
        "no",
        FieldKind::Integer {
            min: 0,
            max: COUNT_MAX,
        },
        false,
    ),
    f(
        "defer",
        FieldKind::Integer {
            min: 0,
            max: COUNT_MAX,
        },
        false,
    ),
];
const F_EXCELLENT: &[Field] = &[
    f(
        "count",
        FieldKind::Integer {
            min: 0,
            max: PEOPLE_MAX,
        },
        true,
    ),
    f(
        "rate",
        FieldKind::Decimal {
            min: 0,
            max: MAX_RATE_PCT as i64,
        },
        false,
    ),
];
const F_ALLOCATE: &[Field] = &[
    f("pool", FieldKind::Money, true),
    f("weights", FieldKind::WeightList, true),
];

impl CalcKind {
    /// The input fields, in form order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            CalcKind::Retirement => F_RETIREMENT,
            CalcKind::EarlyRetirement => F_EARLY,
            CalcKind::Severance => F_SEVERANCE,
            CalcKind::Workdays => F_WORKDAYS,
            CalcKind::Workday => F_WORKDAY,
            CalcKind::Id => F_ID,
            CalcKind::Interview => F_INTERVIEW,
            CalcKind::Committee => F_COMMITTEE,
            CalcKind::ExcellentQuota => F_EXCELLENT,
            CalcKind::Allocate => F_ALLOCATE,
        }
    }
}

/// One line of explanation: a translation key and the values to fill in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub key: &'static str,
    pub args: Vec<(String, String)>,
}

/// What a calculation returns: the result, how it was reached, the sources and parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalcOutput {
    /// The CLI contract's JSON object.
    pub result: Value,
    pub steps: Vec<Step>,
    pub sources: Vec<&'static str>,
    /// The policy parameters read, with their values.
    pub params_used: Vec<(&'static str, String)>,
}

/// Runs one calculator. Bad input is a [`FieldError`] naming the input field.
pub fn run(
    kind: CalcKind,
    input: &BTreeMap<String, String>,
    params: &Params,
    calendar: &Calendar,
) -> Result<CalcOutput, FieldError> {
    let mut cx = Cx {
        input,
        params,
        steps: Vec::new(),
        sources: Vec::new(),
        params_used: Vec::new(),
    };
    let result = match kind {
        CalcKind::Retirement => calc_retirement(&mut cx)?,
        CalcKind::EarlyRetirement => calc_early(&mut cx)?,
        CalcKind::Severance => calc_severance(&mut cx)?,
        CalcKind::Workdays => calc_workdays(&mut cx, calendar)?,
        CalcKind::Workday => calc_workday(&mut cx, calendar)?,
        CalcKind::Id => calc_id(&mut cx)?,
        CalcKind::Interview => calc_interview(&mut cx)?,
        CalcKind::Committee => calc_committee(&mut cx)?,
        CalcKind::ExcellentQuota => calc_excellent(&mut cx)?,
        CalcKind::Allocate => calc_allocate(&mut cx)?,
    };
    Ok(CalcOutput {
        result,
        steps: cx.steps,
        sources: cx.sources,
        params_used: cx.params_used,
    })
}

// ---------------------------------------------------------------- context and parsing

struct Cx<'a> {
    input: &'a BTreeMap<String, String>,
    params: &'a Params,
    steps: Vec<Step>,
    sources: Vec<&'static str>,
    params_used: Vec<(&'static str, String)>,
}

type Args<'s> = [(&'s str, String)];

impl Cx<'_> {
    fn step(&mut self, key: &'static str, args: &Args<'_>) {
        self.steps.push(Step {
            key,
            args: args
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.clone()))
                .collect(),
        });
    }

    fn source(&mut self, s: &'static str) {
        if !self.sources.contains(&s) {
            self.sources.push(s);
        }
    }

    fn used(&mut self, key: &'static str) {
        if self.params_used.iter().any(|(k, _)| *k == key) {
            return;
        }
        let v = self.params.get(key).unwrap_or_default().to_string();
        self.params_used.push((key, v));
    }

    fn p_int(&mut self, key: &'static str) -> Result<i64, FieldError> {
        self.used(key);
        self.params.int(key)
    }
    fn p_dec(&mut self, key: &'static str) -> Result<Decimal, FieldError> {
        self.used(key);
        self.params.decimal(key)
    }
    fn p_bool(&mut self, key: &'static str) -> Result<bool, FieldError> {
        self.used(key);
        self.params.bool(key)
    }

    fn opt(&self, name: &str) -> Option<&str> {
        self.input
            .get(name)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    fn req(&self, name: &str) -> Result<&str, FieldError> {
        self.opt(name)
            .ok_or_else(|| FieldError::new(name, "required"))
    }

    fn month(&self, name: &str) -> Result<YearMonth, FieldError> {
        YearMonth::parse(name, self.req(name)?)
    }

    fn date(&self, name: &str) -> Result<NaiveDate, FieldError> {
        parse_date(name, self.req(name)?)
    }

    fn money(&self, name: &str) -> Result<Money, FieldError> {
        Money::parse_yuan(name, self.req(name)?)
    }

    fn int(&self, name: &str, min: i64, max: i64, default: Option<i64>) -> Result<i64, FieldError> {
        match (self.opt(name), default) {
            (None, Some(d)) => Ok(d),
            (None, None) => Err(FieldError::new(name, "required")),
            (Some(s), _) => parse_int(name, s, min, max),
        }
    }

    fn u32(&self, name: &str, min: i64, max: i64, default: Option<i64>) -> Result<u32, FieldError> {
        let v = self.int(name, min, max, default)?;
        u32::try_from(v).map_err(|_| range_err(name, min, max))
    }
}

fn range_err(field: &str, min: impl ToString, max: impl ToString) -> FieldError {
    FieldError::new(field, "out_of_range")
        .with("min", min)
        .with("max", max)
}

fn parse_date(field: &str, s: &str) -> Result<NaiveDate, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .filter(|d| t.len() == 10 && d.year() >= 1000)
        .ok_or_else(|| FieldError::new(field, "date_invalid"))
}

fn parse_int(field: &str, s: &str, min: i64, max: i64) -> Result<i64, FieldError> {
    let n: i64 = s
        .trim()
        .parse()
        .map_err(|_| FieldError::new(field, "integer_invalid"))?;
    if n < min || n > max {
        return Err(range_err(field, min, max));
    }
    Ok(n)
}

fn parse_decimal(field: &str, s: &str) -> Result<Decimal, FieldError> {
    let t = s.trim();
    Decimal::from_str(t).map_err(|_| FieldError::new(field, "number_invalid").with("value", t))
}

fn parse_bool(field: &str, s: &str) -> Result<bool, FieldError> {
    match s.trim() {
        "true" | "1" | "on" | "yes" => Ok(true),
        "false" | "0" | "off" | "no" => Ok(false),
        _ => Err(FieldError::new(field, "choice_invalid")),
    }
}

/// Splits a list on commas (ASCII or full-width), semicolons and whitespace.
fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c == ',' || c == '，' || c == ';' || c == '；' || c.is_whitespace())
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

fn dec_str(d: Decimal) -> String {
    d.normalize().to_string()
}

// ---------------------------------------------------------------- retirement

fn retirement_steps(cx: &mut Cx<'_>, r: &Retirement) {
    let s = r.category.schedule();
    cx.step(
        "step.retirement.original_age",
        &[("years", s.original_age_years.to_string())],
    );
    match r.k {
        None => cx.step(
            "step.retirement.no_delay",
            &[("first", s.first_delayed.to_string())],
        ),
        Some(k) => cx.step(
            "step.retirement.delay",
            &[
                ("first", s.first_delayed.to_string()),
                ("k", k.to_string()),
                ("step", s.step_birth_months.to_string()),
                ("months", r.delay_months.to_string()),
                ("max", s.max_delay_months.to_string()),
            ],
        ),
    }
    cx.step(
        "step.retirement.age",
        &[
            ("years", r.retirement_age.years.to_string()),
            ("months", r.retirement_age.months.to_string()),
        ],
    );
    cx.step(
        "step.retirement.month",
        &[
            ("birth", r.birth.to_string()),
            ("month", r.retirement_month.to_string()),
        ],
    );
}

fn calc_retirement(cx: &mut Cx<'_>) -> Result<Value, FieldError> {
    let birth = cx.month("birth")?;
    let category = Category::parse("category", cx.req("category")?)?;
    let r = statutory_retirement(birth, category)
        .ok_or_else(|| FieldError::new("birth", "month_invalid"))?;
    cx.source(SRC_RETIREMENT);
    retirement_steps(cx, &r);
    Ok(json!({
        "birth": r.birth.to_string(),
        "category": category.code(),
        "original_age": {"years": r.original_age.years, "months": r.original_age.months},
        "delay_months": r.delay_months,
        "retirement_age": {"years": r.retirement_age.years, "months": r.retirement_age.months},
        "retirement_month": r.retirement_month.to_string(),
    }))
}

fn calc_early(cx: &mut Cx<'_>) -> Result<Value, FieldError> {
    let birth = cx.month("birth")?;
    let category = Category::parse("category", cx.req("category")?)?;
    let work_start = cx.month("work-start")?;
    let on = cx.date("on")?;
    // Blank means a civil servant (公务员法 art. 93 applies directly).
    let staff = match cx.opt("staff").unwrap_or("").trim() {
        "" => Staff::CivilServant,
        s => Staff::parse("staff", s)?,
    };
    let follows = if staff == Staff::Institution {
        cx.p_bool(keys::INSTITUTION_FOLLOWS_CIVIL_SERVANT)?
    } else {
        true
    };
    let e = early_retirement(birth, category, work_start, on, staff, follows)?;
    cx.source(SRC_ART93);
    cx.source(SRC_RETIREMENT);
    let r = &e.retirement;
    let service_args = [
        ("years", e.service.years.to_string()),
        ("months", e.service.months.to_string()),
    ];
    cx.step(
        "step.early.statutory",
        &[
            ("month", r.retirement_month.to_string()),
            ("years", r.retirement_age.years.to_string()),
            ("months", r.retirement_age.months.to_string()),
        ],
    );
    cx.step(
        "step.early.service",
        &[
            ("start", work_start.to_string()),
            ("on", on.to_string()),
            ("years", e.service.years.to_string()),
            ("months", e.service.months.to_string()),
        ],
    );
    if !e.rule_applies {
        cx.step("step.early.rule_not_applied", &[]);
    } else if e.window == Window::Reached {
        cx.step(
            "step.early.age_reached",
            &[
                ("on", on.to_string()),
                ("month", r.retirement_month.to_string()),
            ],
        );
    } else {
        let s30 = e.grounds.contains(&Ground::Service30Years);
        cx.step(
            if s30 {
                "step.early.service_30_years.met"
            } else {
                "step.early.service_30_years.not_met"
            },
            &service_args,
        );
        let after = r
            .retirement_month
            .add_months(-60)
            .and_then(YearMonth::first_day)
            .map(|d| d.to_string())
            .unwrap_or_default();
        let near = e.grounds.contains(&Ground::NearRetirement20Years);
        cx.step(
            if near {
                "step.early.near_retirement_20_years.met"
            } else {
                "step.early.near_retirement_20_years.not_met"
            },
            &[
                ("after", after),
                ("month", r.retirement_month.to_string()),
                ("years", e.service.years.to_string()),
                ("months", e.service.months.to_string()),
            ],
        );
    }
    cx.step(
        if e.eligible {
            "step.early.eligible"
        } else {
            "step.early.not_eligible"
        },
        &[],
    );
    let grounds: Vec<&str> = e.grounds.iter().map(|g| g.code()).collect();
    Ok(json!({
        "eligible": e.eligible,
        "grounds": grounds,
        "service": {"years": e.service.years, "months": e.service.months},
        "retirement_month": r.retirement_month.to_string(),
    }))
}

// ---------------------------------------------------------------- severance

fn part_key(rule: PartRule) -> &'static str {
    match rule {
        PartRule::Labour1994 => "step.severance.part.labour_1994",
        PartRule::Art47 => "step.severance.part.art47",
        PartRule::Art87 => "step.severance.part.art87",
        PartRule::Local => "step.severance.part.local",
    }
}

fn calc_severance(cx: &mut Cx<'_>) -> Result<Value, FieldError> {
    let start = cx.date("start")?;
    let end = cx.date("end")?;
    let monthly_wage = cx.money("monthly-wage")?;
    let local_average = cx.money("local-average")?;
    let minimum_wage = match cx.opt("minimum-wage") {
        Some(s) => Some(Money::parse_yuan("minimum-wage", s)?),
        None => None,
    };
    let unlawful = match cx.opt("unlawful") {
        Some(s) => parse_bool("unlawful", s)?,
        None => false,
    };
    let (cap, param_formula) = super::severance::policy_of(cx.params)?;
    let (multiple, cap_years) = (cap.multiple, cap.years);
    cx.used(keys::SEVERANCE_CAP_MULTIPLE);
    cx.used(keys::SEVERANCE_CAP_YEARS);
    let formula = if unlawful {
        Formula::Art47
    } else {
        cx.used(keys::SEVERANCE_FORMULA);
        if matches!(param_formula, Formula::Local(_)) {
            for k in [
                keys::SEVERANCE_LOCAL_MONTHS_PER_YEAR,
                keys::SEVERANCE_LOCAL_PARTIAL_YEAR,
                keys::SEVERANCE_LOCAL_BASE,
                keys::SEVERANCE_LOCAL_APPLY_CAP,
            ] {
                cx.used(k);
            }
        }
        param_formula
    };
    let input = SeveranceInput {
        start,
        end,
        monthly_wage,
        local_average,
        minimum_wage,
        unlawful,
    };
    let s = severance(
        &input,
        Cap {
            multiple,
            years: cap_years,
        },
        formula,
    )?;
    severance_explain(cx, &input, &s, multiple, cap_years, formula);
    let span =
        |v: &super::severance::Span| json!({"years": v.years, "months": v.months, "days": v.days});
    let parts: Vec<Value> = s
        .parts
        .iter()
        .map(|p| {
            json!({
                "rule": p.rule.code(),
                "from": p.from.to_string(),
                "to": p.to.to_string(),
                "service": span(&p.service),
                "months_of_pay": dec_str(p.months_of_pay),
                "base": p.base.to_string(),
                "capped": p.capped,
                "factor": p.factor,
                "amount": p.amount.to_string(),
            })
        })
        .collect();
    Ok(json!({
        "service": span(&s.service),
        "months_of_pay": dec_str(s.months_of_pay),
        "base": s.base.to_string(),
        "capped": s.capped,
        "amount": s.amount.to_string(),
        "parts": parts,
    }))
}

fn severance_explain(
    cx: &mut Cx<'_>,
    i: &SeveranceInput,
    s: &Severance,
    multiple: Decimal,
    cap_years: u32,
    formula: Formula,
) {
    cx.source(SRC_ART47);
    cx.source(SRC_REG27);
    cx.step(
        "step.severance.service",
        &[
            ("from", i.start.to_string()),
            ("to", i.end.to_string()),
            ("years", s.service.years.to_string()),
            ("months", s.service.months.to_string()),
            ("days", s.service.days.to_string()),
        ],
    );
    if s.minimum_wage_applied {
        cx.step(
            "step.severance.minimum_wage",
            &[
                ("wage", i.monthly_wage.to_string()),
                ("minimum", s.wage.to_string()),
            ],
        );
    }
    let uses_cap = s.parts.iter().any(|p| match p.rule {
        PartRule::Art47 | PartRule::Art87 => true,
        PartRule::Local => {
            matches!(formula, Formula::Local(f) if f.apply_cap && f.base == LocalBase::Wage)
        }
        PartRule::Labour1994 => false,
    });
    if uses_cap {
        let args = [
            ("wage", s.wage.to_string()),
            ("multiple", dec_str(multiple)),
            ("average", i.local_average.to_string()),
            ("cap", s.cap_amount.to_string()),
            ("years", cap_years.to_string()),
        ];
        if s.capped {
            cx.step("step.severance.capped", &args);
        } else {
            cx.step("step.severance.not_capped", &args);
        }
    }
    for p in &s.parts {
        match p.rule {
            PartRule::Labour1994 => cx.source(SRC_ART97),
            PartRule::Art87 => cx.source(SRC_ART87),
            PartRule::Local => cx.source(SRC_LOCAL_SEVERANCE),
            PartRule::Art47 => {}
        }
        if p.rule == PartRule::Art47 && s.parts.len() > 1 {
            cx.source(SRC_ART97);
        }
        let per_year = match formula {
            Formula::Local(f) => dec_str(f.months_per_year),
            Formula::Art47 => "1".to_string(),
        };
        cx.step(
            part_key(p.rule),
            &[
                ("from", p.from.to_string()),
                ("to", p.to.to_string()),
                ("years", p.service.years.to_string()),
                ("months", p.service.months.to_string()),
                ("days", p.service.days.to_string()),
                ("months_of_pay", dec_str(p.months_of_pay)),
                ("base", p.base.to_string()),
                ("factor", p.factor.to_string()),
                ("per_year", per_year),
                ("amount", p.amount.to_string()),
            ],
        );
    }
    cx.step("step.severance.total", &[("amount", s.amount.to_string())]);
}

// ---------------------------------------------------------------- calendar

fn calc_workdays(cx: &mut Cx<'_>, calendar: &Calendar) -> Result<Value, FieldError> {
    let from = cx.date("from")?;
    let count = match cx.opt("count") {
        Some(s) => parse_int("count", s, 1, COUNT_MAX)?,
        None => {
            let n = cx.p_int(keys::PUBLICITY_WORKDAYS)?;
            cx.source(SRC_PUBLICITY);
            cx.step("step.workdays.count_default", &[("count", n.to_string())]);
            n
        }
    };
    let n = usize::try_from(count).map_err(|_| range_err("count", 1, COUNT_MAX))?;
    let days = calendar
        .workdays_from(from, n)
        .map_err(|e| e.to_field_error("from"))?;
    cx.source(SRC_HOLIDAYS);
    let last = days.last().copied().unwrap_or(from);
    let kept: BTreeSet<NaiveDate> = days.iter().copied().collect();
    for d in from.iter_days().take_while(|d| *d <= last) {
        if kept.contains(&d) {
            continue;
        }
        match calendar.is_workday(d) {
            Ok((_, DayReason::Holiday)) => {
                cx.step("step.workdays.skip_holiday", &[("date", d.to_string())]);
            }
            Ok(_) => cx.step("step.workdays.skip_weekend", &[("date", d.to_string())]),
            Err(e) => return Err(e.to_field_error("from")),
        }
    }
    cx.step(
        "step.workdays.last",
        &[
            ("from", from.to_string()),
            ("count", count.to_string()),
            ("last", last.to_string()),
        ],
    );
    let list: Vec<String> = days.iter().map(NaiveDate::to_string).collect();
    Ok(json!({
        "from": from.to_string(),
        "count": count,
        "days": list,
        "last": last.to_string(),
    }))
}

fn calc_workday(cx: &mut Cx<'_>, calendar: &Calendar) -> Result<Value, FieldError> {
    let date = cx.date("date")?;
    let (work, reason) = calendar
        .is_workday(date)
        .map_err(|e| e.to_field_error("date"))?;
    cx.source(SRC_HOLIDAYS);
    let key = match reason {
        DayReason::Weekday => "step.workday.weekday",
        DayReason::Weekend => "step.workday.weekend",
        DayReason::Holiday => "step.workday.holiday",
        DayReason::SwappedWorkday => "step.workday.swapped_workday",
    };
    cx.step(key, &[("date", date.to_string())]);
    Ok(json!({"date": date.to_string(), "workday": work, "reason": reason.code()}))
}

// ---------------------------------------------------------------- id

fn calc_id(cx: &mut Cx<'_>) -> Result<Value, FieldError> {
    let number = cx.req("number")?.to_string();
    let today = match cx.opt("today") {
        Some(s) => Some(parse_date("today", s)?),
        None => None,
    };
    cx.source(SRC_ID);
    match IdNumber::parse(&number, today) {
        Ok(id) => {
            let check = id.as_str().get(17..).unwrap_or("").to_string();
            cx.step("step.id.checksum_ok", &[("check", check)]);
            cx.step("step.id.area", &[("area", id.area().to_string())]);
            cx.step("step.id.birth", &[("birth", id.birth().to_string())]);
            let g = id.gender();
            cx.step(
                match g {
                    Gender::Male => "step.id.gender_male",
                    Gender::Female => "step.id.gender_female",
                },
                &[("sequence", id.sequence().to_string())],
            );
            Ok(json!({
                "valid": true,
                "area": id.area(),
                "birth": id.birth().to_string(),
                "gender": g.code(),
            }))
        }
        Err(IdError::Required) => Err(FieldError::new("number", "required")),
        Err(e) => {
            cx.step("step.id.invalid", &[("reason", e.code().to_string())]);
            Ok(json!({"valid": false, "reason": e.code()}))
        }
    }
}

// ---------------------------------------------------------------- selection and appraisal

fn calc_interview(cx: &mut Cx<'_>) -> Result<Value, FieldError> {
    let raw = cx.req("scores")?.to_string();
    let mut scores = Vec::new();
    for p in split_list(&raw) {
        let d = parse_decimal("scores", p)?;
        if (d.is_sign_negative() && !d.is_zero()) || d > Decimal::from(SCORE_MAX) {
            return Err(range_err("scores", 0, SCORE_MAX));
        }
        scores.push(d);
    }
    if scores.is_empty() {
        return Err(FieldError::new("scores", "required"));
    }
    let threshold = cx.p_int(keys::INTERVIEW_TRIM_THRESHOLD)?;
    let t = usize::try_from(threshold)
        .map_err(|_| FieldError::new(keys::INTERVIEW_TRIM_THRESHOLD, "param_kind"))?;
    let r = interview_score(&scores, t).ok_or_else(|| FieldError::new("scores", "too_large"))?;
    cx.source(SRC_SELECTION);
    cx.source(SRC_INTERVIEW);
    let judges = scores.len().to_string();
    match (r.method, r.dropped.as_slice()) {
        (InterviewMethod::TrimmedAverage, [hi, lo]) => cx.step(
            "step.interview.trimmed",
            &[
                ("judges", judges),
                ("threshold", threshold.to_string()),
                ("highest", dec_str(*hi)),
                ("lowest", dec_str(*lo)),
            ],
        ),
        _ => cx.step(
            "step.interview.plain",
            &[("judges", judges), ("threshold", threshold.to_string())],
        ),
    }
    let sum: Decimal = r.kept.iter().sum();
    cx.step(
        "step.interview.average",
        &[
            ("sum", dec_str(sum)),
            ("count", r.kept.len().to_string()),
            ("score", r.score.to_string()),
        ],
    );
    let kept: Vec<String> = r.kept.iter().map(|d| dec_str(*d)).collect();
    Ok(json!({"method": r.method.code(), "kept": kept, "score": r.score.to_string()}))
}

fn calc_committee(cx: &mut Cx<'_>) -> Result<Value, FieldError> {
    let members = cx.u32("members", 1, COUNT_MAX, None)?;
    let present = cx.u32("present", 0, COUNT_MAX, None)?;
    let yes = cx.u32("yes", 0, COUNT_MAX, None)?;
    let no = cx.u32("no", 0, COUNT_MAX, Some(0))?;
    let defer = cx.u32("defer", 0, COUNT_MAX, Some(0))?;
    let d = committee_decision(CommitteeVote {
        members,
        present,
        yes,
        no,
        defer,
    })?;
    cx.source(SRC_COMMITTEE);
    cx.step(
        if d.quorum {
            "step.committee.quorum_met"
        } else {
            "step.committee.quorum_not_met"
        },
        &[
            ("members", members.to_string()),
            ("present", present.to_string()),
            ("quorum_needed", d.quorum_needed.to_string()),
        ],
    );
    cx.step(
        "step.committee.votes",
        &[
            ("yes", yes.to_string()),
            ("no", no.to_string()),
            ("defer", defer.to_string()),
            ("needed", d.needed.to_string()),
            ("members", members.to_string()),
        ],
    );
    cx.step(
        if d.approved {
            "step.committee.approved"
        } else {
            "step.committee.not_approved"
        },
        &[("yes", yes.to_string()), ("needed", d.needed.to_string())],
    );
    Ok(json!({"quorum": d.quorum, "needed": d.needed, "approved": d.approved}))
}

fn calc_excellent(cx: &mut Cx<'_>) -> Result<Value, FieldError> {
    let count = cx.u32("count", 0, PEOPLE_MAX, None)?;
    let rate = match cx.opt("rate") {
        Some(s) => {
            let r = parse_decimal("rate", s.trim_end_matches('%'))?;
            if r < Decimal::ZERO || r > Decimal::from(MAX_RATE_PCT) {
                return Err(range_err("rate", 0, MAX_RATE_PCT));
            }
            cx.step("step.appraisal.rate_input", &[("rate", dec_str(r))]);
            r
        }
        None => cx.p_dec(keys::EXCELLENT_RATE_PCT)?,
    };
    let max = max_excellent(count, rate);
    cx.source(SRC_APPRAISAL);
    let exact = Decimal::from(count) * rate / Decimal::ONE_HUNDRED;
    cx.step(
        "step.appraisal.quota",
        &[
            ("count", count.to_string()),
            ("rate", dec_str(rate)),
            ("exact", dec_str(exact)),
            ("max", max.to_string()),
        ],
    );
    Ok(json!({ "max_excellent": max }))
}

// ---------------------------------------------------------------- allocation

fn calc_allocate(cx: &mut Cx<'_>) -> Result<Value, FieldError> {
    let pool = cx.money("pool")?;
    if pool < Money::ZERO {
        return Err(FieldError::new("pool", "must_not_be_negative"));
    }
    let raw = cx.req("weights")?.to_string();
    let mut ids: Vec<String> = Vec::new();
    let mut weights = Vec::new();
    for entry in raw
        .split([',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let (id, w) = entry
            .split_once('=')
            .map(|(a, b)| (a.trim(), b.trim()))
            .filter(|(a, b)| !a.is_empty() && !b.is_empty())
            .ok_or_else(|| FieldError::new("weights", "pair_invalid").with("entry", entry))?;
        if ids.iter().any(|x| x == id) {
            return Err(FieldError::new("weights", "duplicate_id").with("id", id));
        }
        let w = parse_decimal("weights", w)?;
        ids.push(id.to_string());
        weights.push(w);
    }
    let a = allocate_detailed(pool, &weights).map_err(|e| match e {
        AllocError::NegativePool => FieldError::new("pool", e.code()),
        _ => FieldError::new("weights", e.code()),
    })?;
    cx.source(SRC_ALLOCATION);
    let total: Decimal = weights.iter().sum();
    cx.step(
        "step.allocation.method",
        &[
            ("pool", pool.to_string()),
            ("total_weight", dec_str(total)),
            ("count", ids.len().to_string()),
        ],
    );
    if a.remainder_fen > 0 {
        cx.step(
            "step.allocation.remainder",
            &[("fen", a.remainder_fen.to_string())],
        );
    }
    let mut shares = Vec::new();
    for (((id, w), amount), extra) in ids.iter().zip(&weights).zip(&a.shares).zip(&a.got_extra) {
        cx.step(
            if *extra {
                "step.allocation.share_plus_fen"
            } else {
                "step.allocation.share"
            },
            &[
                ("id", id.clone()),
                ("weight", dec_str(*w)),
                ("amount", amount.to_string()),
            ],
        );
        shares.push(json!({"id": id, "amount": amount.to_string()}));
    }
    Ok(json!({"pool": pool.to_string(), "shares": shares}))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::rules::calendar::YearSchedule;
    use proptest::prelude::*;

    fn input(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    fn go(kind: CalcKind, pairs: &[(&str, &str)]) -> Result<CalcOutput, FieldError> {
        let out = run(
            kind,
            &input(pairs),
            &Params::defaults(),
            &Calendar::builtin(),
        );
        if let Ok(o) = &out {
            for s in &o.steps {
                assert!(
                    STEP_KEYS.contains(&s.key),
                    "undocumented step key {}",
                    s.key
                );
            }
            assert!(!o.sources.is_empty());
        }
        if let Err(e) = &out {
            assert!(
                ERROR_CODES.contains(&e.code.as_str()),
                "undocumented code {}",
                e.code
            );
        }
        out
    }

    fn ok(kind: CalcKind, pairs: &[(&str, &str)]) -> Value {
        go(kind, pairs).unwrap().result
    }

    fn err(kind: CalcKind, pairs: &[(&str, &str)]) -> (String, String) {
        let e = go(kind, pairs).unwrap_err();
        (e.field, e.code)
    }

    fn fe(field: &str, code: &str) -> (String, String) {
        (field.to_string(), code.to_string())
    }

    #[test]
    fn kinds_roundtrip_and_fields() {
        for &k in CalcKind::ALL {
            assert_eq!(CalcKind::from_code(k.code()), Some(k));
            assert!(!k.fields().is_empty());
            // serde name = code
            assert_eq!(serde_json::to_value(k).unwrap(), json!(k.code()));
        }
        assert_eq!(CalcKind::from_code("nope"), None);
        let names: Vec<&str> = CalcKind::Severance
            .fields()
            .iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(
            names,
            [
                "start",
                "end",
                "monthly-wage",
                "local-average",
                "unlawful",
                "minimum-wage"
            ]
        );
    }

    #[test]
    fn retirement_contract() {
        let r = ok(
            CalcKind::Retirement,
            &[("birth", "1970-05"), ("category", "male")],
        );
        assert_eq!(
            r,
            json!({
                "birth": "1970-05", "category": "male",
                "original_age": {"years": 60, "months": 0},
                "delay_months": 17,
                "retirement_age": {"years": 61, "months": 5},
                "retirement_month": "2031-10",
            })
        );
        let cases = [
            ("1965-01", "male", "2025-02", 60, 1),
            ("1965-12", "male", "2026-03", 60, 3),
            ("1971-04", "female-cadre", "2026-08", 55, 4),
            ("1995-12", "female-worker", "2050-12", 55, 0),
        ];
        for (birth, cat, month, y, m) in cases {
            let r = ok(CalcKind::Retirement, &[("birth", birth), ("category", cat)]);
            assert_eq!(r["retirement_month"], month);
            assert_eq!(r["retirement_age"], json!({"years": y, "months": m}));
        }
        let out = go(
            CalcKind::Retirement,
            &[("birth", "1970-05"), ("category", "male")],
        )
        .unwrap();
        let delay = out
            .steps
            .iter()
            .find(|s| s.key == "step.retirement.delay")
            .unwrap();
        assert!(delay.args.contains(&("months".into(), "17".into())));
        assert_eq!(
            err(
                CalcKind::Retirement,
                &[("birth", "1970-13"), ("category", "male")]
            ),
            fe("birth", "month_invalid")
        );
        assert_eq!(
            err(CalcKind::Retirement, &[("birth", "1970-01")]),
            fe("category", "required")
        );
        assert_eq!(
            err(
                CalcKind::Retirement,
                &[("birth", "1970-01"), ("category", "x")]
            ),
            fe("category", "choice_invalid")
        );
    }

    #[test]
    fn early_retirement_contract() {
        let r = ok(
            CalcKind::EarlyRetirement,
            &[
                ("birth", "1970-05"),
                ("category", "male"),
                ("work-start", "1990-01"),
                ("on", "2030-01-01"),
            ],
        );
        assert_eq!(
            r,
            json!({
                "eligible": true,
                "grounds": ["service_30_years", "near_retirement_20_years"],
                "service": {"years": 40, "months": 0},
                "retirement_month": "2031-10",
            })
        );
        let r = ok(
            CalcKind::EarlyRetirement,
            &[
                ("birth", "1975-03"),
                ("category", "male"),
                ("work-start", "2000-07"),
                ("on", "2026-06-15"),
            ],
        );
        assert_eq!(r["eligible"], false);
        assert_eq!(r["grounds"], json!([]));
        assert_eq!(r["service"], json!({"years": 25, "months": 11}));
        // institution staff with the parameter off
        let p = Params::from_pairs([(keys::INSTITUTION_FOLLOWS_CIVIL_SERVANT, "false")]).unwrap();
        let out = run(
            CalcKind::EarlyRetirement,
            &input(&[
                ("birth", "1970-05"),
                ("category", "male"),
                ("work-start", "1990-01"),
                ("on", "2030-01-01"),
                ("staff", "institution"),
            ]),
            &p,
            &Calendar::builtin(),
        )
        .unwrap();
        assert_eq!(out.result["eligible"], false);
        assert_eq!(
            out.params_used,
            vec![(keys::INSTITUTION_FOLLOWS_CIVIL_SERVANT, "false".to_string())]
        );
        assert_eq!(
            err(
                CalcKind::EarlyRetirement,
                &[
                    ("birth", "1970-05"),
                    ("category", "male"),
                    ("work-start", "1990-01"),
                    ("on", "2030-02-30")
                ]
            ),
            fe("on", "date_invalid")
        );
    }

    #[test]
    fn severance_contract() {
        let out = go(
            CalcKind::Severance,
            &[
                ("start", "2015-03-01"),
                ("end", "2026-06-30"),
                ("monthly-wage", "12000"),
                ("local-average", "9000"),
            ],
        )
        .unwrap();
        let r = &out.result;
        assert_eq!(r["service"], json!({"years": 11, "months": 4, "days": 0}));
        assert_eq!(r["months_of_pay"], "11.5");
        assert_eq!(r["base"], "12000.00");
        assert_eq!(r["capped"], false);
        assert_eq!(r["amount"], "138000.00");
        assert_eq!(r["parts"][0]["rule"], "art47");
        assert_eq!(
            out.params_used,
            vec![
                (keys::SEVERANCE_CAP_MULTIPLE, "3".to_string()),
                (keys::SEVERANCE_CAP_YEARS, "12".to_string()),
                (keys::SEVERANCE_FORMULA, "art47".to_string()),
            ]
        );
        assert!(out.sources.contains(&SRC_ART47));
        // unlawful doubles
        let r = ok(
            CalcKind::Severance,
            &[
                ("start", "2015-03-01"),
                ("end", "2026-06-30"),
                ("monthly-wage", "12000"),
                ("local-average", "9000"),
                ("unlawful", "true"),
            ],
        );
        assert_eq!(r["amount"], "276000.00");
        assert_eq!(r["parts"][0]["rule"], "art87");
        // split across 2008
        let out = go(
            CalcKind::Severance,
            &[
                ("start", "2000-03-01"),
                ("end", "2026-06-30"),
                ("monthly-wage", "10000"),
                ("local-average", "9000"),
            ],
        )
        .unwrap();
        let r = &out.result;
        assert_eq!(r["parts"][0]["rule"], "labour_1994");
        assert_eq!(r["parts"][0]["to"], "2007-12-31");
        assert_eq!(r["parts"][0]["months_of_pay"], "8");
        assert_eq!(r["parts"][1]["rule"], "art47");
        assert_eq!(r["parts"][1]["from"], "2008-01-01");
        assert_eq!(r["months_of_pay"], "27");
        assert_eq!(r["amount"], "270000.00");
        assert!(out.sources.contains(&SRC_ART97));
        // capped
        let r = ok(
            CalcKind::Severance,
            &[
                ("start", "2008-01-01"),
                ("end", "2027-12-31"),
                ("monthly-wage", "30000"),
                ("local-average", "9000"),
            ],
        );
        assert_eq!(
            (r["capped"].clone(), r["base"].clone()),
            (json!(true), json!("27000.00"))
        );
        assert_eq!(r["months_of_pay"], "12");
        // local formula via parameters
        let p = Params::from_pairs([
            (keys::SEVERANCE_FORMULA, "local"),
            (keys::SEVERANCE_LOCAL_MONTHS_PER_YEAR, "1.5"),
            (keys::SEVERANCE_LOCAL_PARTIAL_YEAR, "full_year"),
            (keys::SEVERANCE_LOCAL_BASE, "local_average"),
        ])
        .unwrap();
        let out = run(
            CalcKind::Severance,
            &input(&[
                ("start", "2015-03-01"),
                ("end", "2026-06-30"),
                ("monthly-wage", "12000"),
                ("local-average", "9000"),
            ]),
            &p,
            &Calendar::builtin(),
        )
        .unwrap();
        assert_eq!(out.result["parts"][0]["rule"], "local");
        assert_eq!(out.result["months_of_pay"], "18");
        assert_eq!(out.result["amount"], "162000.00");
        assert_eq!(out.params_used.len(), 7);
        // errors
        let base = [
            ("start", "2015-03-01"),
            ("end", "2014-06-30"),
            ("monthly-wage", "12000"),
            ("local-average", "9000"),
        ];
        assert_eq!(err(CalcKind::Severance, &base), fe("end", "date_order"));
        let mut bad = base;
        bad[1].1 = "2026-06-30";
        bad[2].1 = "12000.123";
        assert_eq!(
            err(CalcKind::Severance, &bad),
            fe("monthly-wage", "money_too_precise")
        );
        bad[2].1 = "0";
        assert_eq!(
            err(CalcKind::Severance, &bad),
            fe("monthly-wage", "must_be_positive")
        );
    }

    #[test]
    fn calendar_contract() {
        let r = ok(
            CalcKind::Workdays,
            &[("from", "2026-09-30"), ("count", "5")],
        );
        assert_eq!(
            r,
            json!({
                "from": "2026-09-30", "count": 5,
                "days": ["2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12"],
                "last": "2026-10-12",
            })
        );
        // count defaults to the publicity period
        let out = go(CalcKind::Workdays, &[("from", "2026-09-30")]).unwrap();
        assert_eq!(out.result["last"], "2026-10-12");
        assert_eq!(
            out.params_used,
            vec![(keys::PUBLICITY_WORKDAYS, "5".to_string())]
        );
        let skipped = out
            .steps
            .iter()
            .filter(|s| s.key == "step.workdays.skip_holiday")
            .count();
        assert_eq!(skipped, 7);
        assert_eq!(
            ok(CalcKind::Workday, &[("date", "2026-10-10")]),
            json!({"date": "2026-10-10", "workday": true, "reason": "swapped_workday"})
        );
        assert_eq!(
            ok(CalcKind::Workday, &[("date", "2026-10-01")]),
            json!({"date": "2026-10-01", "workday": false, "reason": "holiday"})
        );
        assert_eq!(
            ok(CalcKind::Workday, &[("date", "2026-10-11")])["reason"],
            "weekend"
        );
        assert_eq!(
            ok(CalcKind::Workday, &[("date", "2026-10-12")])["reason"],
            "weekday"
        );
        let e = go(CalcKind::Workday, &[("date", "2027-03-01")]).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("date", "calendar_missing")
        );
        assert_eq!(e.args, vec![("year".to_string(), "2027".to_string())]);
        assert_eq!(
            err(
                CalcKind::Workdays,
                &[("from", "2026-12-20"), ("count", "20")]
            ),
            fe("from", "calendar_missing")
        );
        assert_eq!(
            err(
                CalcKind::Workdays,
                &[("from", "2026-12-20"), ("count", "0")]
            ),
            fe("count", "out_of_range")
        );
        // a loaded year works
        let y = YearSchedule::parse("year 2027\n2027-01-01 off\n").unwrap();
        let cal = Calendar::builtin().with_year(y);
        let out = run(
            CalcKind::Workday,
            &input(&[("date", "2027-01-01")]),
            &Params::defaults(),
            &cal,
        )
        .unwrap();
        assert_eq!(out.result["reason"], "holiday");
    }

    #[test]
    fn id_contract() {
        assert_eq!(
            ok(CalcKind::Id, &[("number", "11010519491231002X")]),
            json!({"valid": true, "area": "110105", "birth": "1949-12-31", "gender": "female"})
        );
        assert_eq!(
            ok(CalcKind::Id, &[("number", "440524188001010014")]),
            json!({"valid": true, "area": "440524", "birth": "1880-01-01", "gender": "male"})
        );
        assert_eq!(
            ok(CalcKind::Id, &[("number", "110105194912310021")]),
            json!({"valid": false, "reason": "id_checksum"})
        );
        assert_eq!(
            ok(
                CalcKind::Id,
                &[("number", "11010519491231002X"), ("today", "1949-01-01")]
            ),
            json!({"valid": false, "reason": "id_birth_future"})
        );
        assert_eq!(
            err(CalcKind::Id, &[("number", " ")]),
            fe("number", "required")
        );
    }

    #[test]
    fn interview_contract() {
        assert_eq!(
            ok(CalcKind::Interview, &[("scores", "85,90.5,88")]),
            json!({"method": "plain_average", "kept": ["85", "90.5", "88"], "score": "87.83"})
        );
        assert_eq!(
            ok(CalcKind::Interview, &[("scores", "80, 90，70 85 95,88")]),
            json!({"method": "trimmed_average", "kept": ["80", "90", "85", "88"], "score": "85.75"})
        );
        let p = Params::from_pairs([(keys::INTERVIEW_TRIM_THRESHOLD, "2")]).unwrap();
        let out = run(
            CalcKind::Interview,
            &input(&[("scores", "85,90.5,88")]),
            &p,
            &Calendar::builtin(),
        )
        .unwrap();
        assert_eq!(out.result["method"], "trimmed_average");
        assert_eq!(out.result["score"], "88.00");
        assert_eq!(
            err(CalcKind::Interview, &[("scores", "85,abc")]),
            fe("scores", "number_invalid")
        );
        assert_eq!(
            err(CalcKind::Interview, &[("scores", "85,-1")]),
            fe("scores", "out_of_range")
        );
        assert_eq!(
            err(CalcKind::Interview, &[("scores", ",,")]),
            fe("scores", "required")
        );
    }

    #[test]
    fn committee_contract() {
        let c = |m, p, y, n, d| {
            ok(
                CalcKind::Committee,
                &[
                    ("members", m),
                    ("present", p),
                    ("yes", y),
                    ("no", n),
                    ("defer", d),
                ],
            )
        };
        assert_eq!(
            c("9", "6", "5", "1", "0"),
            json!({"quorum": true, "needed": 5, "approved": true})
        );
        assert_eq!(
            c("9", "6", "4", "2", "0"),
            json!({"quorum": true, "needed": 5, "approved": false})
        );
        assert_eq!(
            c("9", "5", "5", "0", "0"),
            json!({"quorum": false, "needed": 5, "approved": false})
        );
        assert_eq!(
            err(
                CalcKind::Committee,
                &[("members", "5"), ("present", "6"), ("yes", "1")]
            ),
            fe("present", "present_exceeds_members")
        );
        assert_eq!(
            err(
                CalcKind::Committee,
                &[
                    ("members", "5"),
                    ("present", "4"),
                    ("yes", "3"),
                    ("no", "2")
                ]
            ),
            fe("yes", "votes_exceed_present")
        );
        assert_eq!(
            err(
                CalcKind::Committee,
                &[("members", "0"), ("present", "0"), ("yes", "0")]
            ),
            fe("members", "out_of_range")
        );
        assert_eq!(
            err(
                CalcKind::Committee,
                &[("members", "x"), ("present", "0"), ("yes", "0")]
            ),
            fe("members", "integer_invalid")
        );
    }

    #[test]
    fn excellent_quota_contract() {
        let out = go(CalcKind::ExcellentQuota, &[("count", "23")]).unwrap();
        assert_eq!(out.result, json!({"max_excellent": 4}));
        assert_eq!(
            out.params_used,
            vec![(keys::EXCELLENT_RATE_PCT, "20".to_string())]
        );
        let out = go(CalcKind::ExcellentQuota, &[("count", "23"), ("rate", "25")]).unwrap();
        assert_eq!(out.result, json!({"max_excellent": 5}));
        assert!(out.params_used.is_empty());
        assert_eq!(
            err(CalcKind::ExcellentQuota, &[("count", "23"), ("rate", "30")]),
            fe("rate", "out_of_range")
        );
    }

    #[test]
    fn allocate_contract() {
        assert_eq!(
            ok(
                CalcKind::Allocate,
                &[("pool", "1000"), ("weights", "a=1.2,b=1,c=0.8")]
            ),
            json!({"pool": "1000.00", "shares": [
                {"id": "a", "amount": "400.00"},
                {"id": "b", "amount": "333.33"},
                {"id": "c", "amount": "266.67"},
            ]})
        );
        assert_eq!(
            err(
                CalcKind::Allocate,
                &[("pool", "1000"), ("weights", "a=1,a=2")]
            ),
            fe("weights", "duplicate_id")
        );
        assert_eq!(
            err(
                CalcKind::Allocate,
                &[("pool", "1000"), ("weights", "a=0,b=0")]
            ),
            fe("weights", "weights_zero")
        );
        assert_eq!(
            err(CalcKind::Allocate, &[("pool", "1000"), ("weights", "a1")]),
            fe("weights", "pair_invalid")
        );
        assert_eq!(
            err(CalcKind::Allocate, &[("pool", "-1"), ("weights", "a=1")]),
            fe("pool", "must_not_be_negative")
        );
        assert_eq!(
            err(
                CalcKind::Allocate,
                &[("pool", "1"), ("weights", "a=-1,b=2")]
            ),
            fe("weights", "out_of_range")
        );
    }

    #[test]
    fn required_fields_are_reported_by_name() {
        for &k in CalcKind::ALL {
            if let Some(first) = k.fields().iter().find(|f| f.required) {
                assert_eq!(err(k, &[]), fe(first.name, "required"), "{}", k.code());
            }
        }
    }

    #[test]
    fn output_serialises() {
        let out = go(
            CalcKind::Retirement,
            &[("birth", "1970-05"), ("category", "male")],
        )
        .unwrap();
        let v = serde_json::to_value(&out).unwrap();
        assert_eq!(v["result"]["retirement_month"], "2031-10");
        assert_eq!(v["steps"][0]["key"], "step.retirement.original_age");
        assert_eq!(v["steps"][0]["args"][0], json!(["years", "60"]));
    }

    proptest! {
        #[test]
        fn run_never_panics_on_garbage(
            k in 0usize..10,
            vals in prop::collection::vec("[0-9a-z=,.\\- ]{0,12}", 6),
        ) {
            let kind = CalcKind::ALL[k];
            let mut m = BTreeMap::new();
            for (f, v) in kind.fields().iter().zip(&vals) {
                m.insert(f.name.to_string(), v.clone());
            }
            if let Err(e) = run(kind, &m, &Params::defaults(), &Calendar::builtin()) {
                prop_assert!(ERROR_CODES.contains(&e.code.as_str()), "{}", e.code);
                prop_assert!(kind.fields().iter().any(|f| f.name == e.field), "{}", e.field);
            }
        }
    }
}
