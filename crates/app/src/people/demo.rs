//! Demo staff (演示人员): synthetic, deterministic people for the six demo units, with the
//! seed's mix of identities and valid ID numbers of 镇海区 (area code 330211).
//!
//! The "before" headcounts (416 in all) make the seed's outcomes meaningful: 骆驼街道 has
//! 100 agency staff, so cutting 21 is its 21 %; across the six units there are enough
//! temporary workers, enterprise hires and collective staff for the 50 cuts. 骆驼街道
//! starts 2 over its administrative establishment (38 civil servants for 36 slots), both
//! recorded as approved exceptions; the cuts themselves belong to the downsizing module.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};

use jiguan_domain::money::Money;
use jiguan_domain::people::establishment::QuotaKind;
use jiguan_domain::people::{Cost, EstablishmentKind, Funding, Identity};
use jiguan_domain::rules::id_number::check_char;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{NewException, PeopleBatch, PersonRecord, PersonWrite};
use crate::{App, AppResult};
use jiguan_domain::audit::{AuditAction, ObjectKind};

/// Headcount by identity per unit code, in [`Identity::ALL`] order: civil servants,
/// institution cadres, contract workers, collective staff, seconded, temporary, service
/// workers, enterprise hires.
pub const MIX: [(&str, [i64; 8]); 6] = [
    ("zhaobaoshan", [30, 22, 5, 3, 3, 4, 3, 2]),
    ("jiaochuan", [26, 20, 4, 2, 3, 4, 3, 2]),
    ("luotuo", [38, 30, 8, 5, 4, 6, 5, 4]),
    ("zhuangshi", [28, 21, 5, 3, 2, 4, 3, 2]),
    ("jiulonghu", [24, 18, 4, 2, 2, 3, 3, 2]),
    ("xiepu", [22, 17, 4, 2, 2, 3, 2, 2]),
];

/// 骆驼街道's approved administrative establishment (two below its civil servants).
pub const LUOTUO_ADMINISTRATIVE: i64 = 36;
/// The document number of 骆驼街道's approved over-establishment exception.
pub const LUOTUO_EXCEPTION_DOC: &str = "镇编办〔2018〕12号";

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖",
    "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "沈", "应",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玲", "建", "国", "红", "文", "斌", "波", "宁",
    "晨", "浩", "宇", "婷", "雪", "琳", "佳", "海", "峰", "瑶", "鑫", "欣", "凯",
];
const POSTS: &[&str] = &[
    "综合文字",
    "党建",
    "财务",
    "城建管理",
    "社会事务",
    "经济发展",
    "综合治理",
    "信访",
    "统计",
    "农业农村",
    "环境卫生",
    "安全生产",
    "民政",
    "档案",
    "后勤保障",
];

/// A small deterministic generator (64-bit LCG, Knuth's constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v.get(self.below(v.len() as u64) as usize)
            .copied()
            .unwrap_or("")
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }
}

fn date(y: i64, m: i64, d: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32).unwrap_or_default()
}

fn yuan(y: i64) -> Money {
    Money(y * 100)
}

/// One synthetic person of `identity` in `unit`.
fn person(
    g: &mut Lcg,
    used: &mut HashSet<String>,
    d: DistrictId,
    unit: UnitId,
    identity: Identity,
    leader: bool,
) -> PersonRecord {
    let male = g.below(100) < 58;
    let (lo, hi) = match identity {
        Identity::Temporary | Identity::EnterpriseHire => (1962, 1996),
        _ => (1964, 1994),
    };
    let y = g.range(lo, hi);
    let birth = date(y, g.range(1, 12), g.range(1, 28));
    let mut seq = g.below(500) * 2 + u64::from(male);
    let id_number = loop {
        let body = format!("330211{}{:03}", birth.format("%Y%m%d"), seq % 1000);
        let n = format!("{body}{}", check_char(&body).unwrap_or('0'));
        if used.insert(n.clone()) {
            break n;
        }
        seq += 2;
    };
    let name = format!(
        "{}{}{}",
        g.pick(SURNAMES),
        g.pick(GIVEN),
        if g.below(3) == 0 { "" } else { g.pick(GIVEN) }
    );
    let work_start = date(y + g.range(18, 24), g.range(7, 9), 1);
    let join_year = (work_start.year() as i64 + g.range(0, 12)).min(2018);
    let unit_join =
        date(join_year.max(work_start.year() as i64), g.range(1, 12), 1).max(work_start);
    let establishment = match identity {
        Identity::CivilServant => EstablishmentKind::Administrative,
        Identity::InstitutionCadre => EstablishmentKind::Institution,
        Identity::ServiceWorker => EstablishmentKind::Service,
        _ => EstablishmentKind::None,
    };
    let (basic, allow, funding) = match identity {
        Identity::CivilServant => (g.range(52, 78), g.range(38, 62), Funding::Full),
        Identity::InstitutionCadre => (g.range(46, 70), g.range(30, 50), Funding::Full),
        Identity::ServiceWorker => (g.range(40, 52), g.range(18, 30), Funding::Full),
        Identity::ContractWorker | Identity::CollectiveStaff => {
            (g.range(38, 50), g.range(10, 22), Funding::Partial)
        }
        Identity::Seconded => (g.range(45, 60), g.range(20, 35), Funding::Full),
        Identity::Temporary => (g.range(34, 44), g.range(0, 8), Funding::SelfFunded),
        Identity::EnterpriseHire => (g.range(40, 56), g.range(6, 16), Funding::SelfFunded),
    };
    let basic_pay = yuan(basic * 1000);
    let allowances = yuan(allow * 1000);
    let base = (basic + allow) * 1000;
    let rank = match identity {
        Identity::CivilServant if leader => "二级调研员",
        Identity::CivilServant => {
            ["一级科员", "四级主任科员", "三级主任科员", "二级主任科员"][g.below(4) as usize]
        }
        Identity::InstitutionCadre => ["管理九级", "管理八级", "专技十级"][g.below(3) as usize],
        _ => "",
    };
    PersonRecord {
        name,
        gender: if male { "male" } else { "female" }.into(),
        id_number,
        birth_date: birth,
        ethnicity: if g.below(30) == 0 { "回族" } else { "汉族" }.into(),
        party: match identity {
            Identity::CivilServant | Identity::InstitutionCadre if g.below(10) < 8 => "中共党员",
            _ if g.below(10) < 2 => "中共党员",
            _ => "群众",
        }
        .into(),
        education: ["大学本科", "大学本科", "大学专科", "硕士研究生", "普通高中"]
            [g.below(5) as usize]
            .into(),
        work_start: Some(work_start),
        unit_join: Some(unit_join),
        establishment,
        post: if leader {
            "班子成员".to_string()
        } else {
            g.pick(POSTS).to_string()
        },
        rank: rank.into(),
        leader,
        leader_role: if leader {
            "党（工）委委员".into()
        } else {
            String::new()
        },
        phone: format!("1350574{:04}", g.below(10_000)),
        funding,
        cost: Cost {
            basic_pay,
            allowances,
            social_insurance: yuan(base * 16 / 100),
            housing_fund: yuan(base * 12 / 100),
        },
        ..PersonRecord::new(d, unit, identity, unit_join)
    }
}

/// Seeds quotas and staff for the demo units (`units`: code and id). One transaction per
/// unit, batch inserts.
pub async fn seed_people(app: &App, d: DistrictId, units: &[(&str, UnitId)]) -> AppResult<()> {
    let mut g = Lcg(20_190_101);
    let mut used = HashSet::new();
    let now = app.clock.now();
    for (code, mix) in MIX {
        let Some(unit) = units.iter().find(|(c, _)| *c == code).map(|(_, id)| *id) else {
            continue;
        };
        let mut people = Vec::new();
        for (identity, n) in Identity::ALL.iter().zip(mix) {
            for i in 0..n {
                let leader = *identity == Identity::CivilServant && i < 7
                    || *identity == Identity::InstitutionCadre && i < 2;
                people.push(person(&mut g, &mut used, d, unit, *identity, leader));
            }
        }
        let administrative = if code == "luotuo" {
            LUOTUO_ADMINISTRATIVE
        } else {
            mix[0] + 1
        };
        let quotas = [
            (None, QuotaKind::Administrative, Some(administrative)),
            (None, QuotaKind::Institution, Some(mix[1] + 1)),
            (None, QuotaKind::Service, Some(mix[6])),
            (None, QuotaKind::Leadership, Some(9)),
        ];
        let audit = app
            .system_audit(d)
            .unit(unit)
            .did(AuditAction::EstablishmentSet)
            .on(ObjectKind::Unit, unit)
            .after(&serde_json::json!({"administrative": administrative,
                "institution": mix[1] + 1, "service": mix[6], "leadership": 9}));
        app.store
            .set_quotas(d, unit, &quotas, "system", now, audit)
            .await?;
        let mut exceptions = Vec::new();
        if code == "luotuo" {
            let civil: Vec<&PersonRecord> = people
                .iter()
                .filter(|p| p.identity == Identity::CivilServant)
                .collect();
            for (k, p) in civil
                .iter()
                .skip(LUOTUO_ADMINISTRATIVE as usize)
                .enumerate()
            {
                exceptions.push(NewException {
                    unit_id: unit,
                    body_id: None,
                    id_number: p.id_number.clone(),
                    kind: QuotaKind::Administrative,
                    doc_no: LUOTUO_EXCEPTION_DOC.into(),
                    reason: "试点期间临时超编，改革后消化".into(),
                    approved: LUOTUO_ADMINISTRATIVE,
                    occupied_after: LUOTUO_ADMINISTRATIVE + 1 + k as i64,
                    on_date: p.status_since,
                });
            }
        }
        let count = people.len();
        let writes = people
            .into_iter()
            .map(|p| PersonWrite::hire(p, "demo"))
            .collect();
        let audit = app
            .system_audit(d)
            .unit(unit)
            .did(AuditAction::PeopleImport)
            .on(ObjectKind::Unit, unit)
            .after(&serde_json::json!({"file": "demo", "created": count}));
        app.store
            .apply_people(
                d,
                PeopleBatch {
                    writes,
                    exceptions,
                    guards: Vec::new(),
                    audits: vec![audit],
                    by: "system".into(),
                    at: now,
                    progress: None,
                },
            )
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiguan_domain::rules::id_number::IdNumber;

    #[test]
    fn numbers_support_the_seed() {
        let luotuo: i64 = MIX
            .iter()
            .find(|(c, _)| *c == "luotuo")
            .map(|(_, m)| m.iter().sum())
            .unwrap_or(0);
        assert_eq!(luotuo, 100);
        assert_eq!(21 * 100 / luotuo, 21);
        let all: i64 = MIX.iter().map(|(_, m)| m.iter().sum::<i64>()).sum();
        assert_eq!(all, 416);
    }

    #[test]
    fn synthetic_people_have_valid_numbers() {
        let mut g = Lcg(1);
        let mut used = HashSet::new();
        for i in 0..500 {
            let p = person(
                &mut g,
                &mut used,
                DistrictId(1),
                UnitId(1),
                Identity::ALL[i % 8],
                false,
            );
            let id = IdNumber::parse(&p.id_number, None);
            assert!(id.as_ref().is_ok_and(|id| id.area() == "330211"), "{p:?}");
            assert!(
                id.is_ok_and(|id| id.birth() == p.birth_date && id.gender().code() == p.gender)
            );
            assert!(p.unit_join >= p.work_start);
        }
        assert_eq!(used.len(), 500);
    }
}
