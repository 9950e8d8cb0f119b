//! Province-scale synthetic data (`jiguan demo-data --scale province|stress`, issue 17):
//! districts of units, each unit with bodies, function items, staff on posts, their
//! history rows, establishment quotas and one applied reorganisation plan.
//!
//! Written for volume, not through the use cases: each unit is one transaction of
//! multi-row INSERTs whose values are literals the generator made (no user text), with
//! ids taken from the current maximum of each table so that every row can be linked
//! without reading ids back. The district, its units and one audit entry per unit and per
//! account go through the audit chain like any other write, so `jiguan audit verify` holds
//! (and the dashboard, kept on the district's audit head, sees each of them).

use chrono::{DateTime, Duration, NaiveDate, Utc};

use jiguan_app::ports::{StoreResult, TenancyStore};
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::rules::id_number::check_char;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::SqlStore;
use crate::audit::commit_audited;
use crate::db::{Backend, Tx, Value};

/// How much data: `districts` × `units` per district × `staff` per unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub districts: u32,
    pub units: u32,
    pub staff: u32,
}

impl Scale {
    /// 100 districts × 20 units × 50 staff: 100,000 people in 2,000 units.
    pub const PROVINCE: Scale = Scale {
        districts: 100,
        units: 20,
        staff: 50,
    };
    /// 100,000 staff in one unit of one district.
    pub const STRESS: Scale = Scale {
        districts: 1,
        units: 1,
        staff: 100_000,
    };

    pub fn people(&self) -> u64 {
        u64::from(self.districts) * u64::from(self.units) * u64::from(self.staff)
    }
}

/// Bodies (机构) of every generated unit: (name, short name, kind).
const BODIES: [(&str, &str, &str); 5] = [
    ("党政综合办公室", "党政办", "office"),
    ("经济发展办公室", "经发办", "office"),
    ("社会事务办公室", "社事办", "office"),
    ("便民服务中心", "便民中心", "centre"),
    ("农业农村服务中心", "农服中心", "public_institution"),
];
/// Function items (职责事项) of every generated unit: (title, category).
const FUNCTIONS: [(&str, &str); 10] = [
    ("党建工作", "party_affairs"),
    ("综合文字", "internal"),
    ("招商引资", "economic"),
    ("产业发展", "economic"),
    ("社会救助", "public_service"),
    ("养老服务", "public_service"),
    ("基层治理", "social_management"),
    ("安全生产", "social_management"),
    ("政务服务", "routine_affairs"),
    ("农业技术推广", "public_service"),
];
const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋",
];
const GIVEN: [&str; 30] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建国", "海燕", "志强", "丹", "晓东", "欣", "宇航",
    "文博",
];
/// (identity, establishment kind, rank, monthly basic pay in yuan) by person index mod 10.
const KINDS: [(&str, &str, &str, i64); 10] = [
    ("civil_servant", "administrative", "一级科员", 4200),
    ("civil_servant", "administrative", "四级主任科员", 5200),
    ("civil_servant", "administrative", "二级主任科员", 6100),
    ("civil_servant", "administrative", "一级科员", 4300),
    ("civil_servant", "administrative", "三级主任科员", 5600),
    ("institution_cadre", "institution", "专业技术十级", 4600),
    ("institution_cadre", "institution", "管理九级", 4400),
    ("institution_cadre", "institution", "专业技术十二级", 3900),
    ("service_worker", "service", "技术工二级", 3600),
    ("contract_worker", "none", "", 3200),
];
const BY: &str = "demo-data";

/// What was written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScaleCounts {
    pub districts: u64,
    pub units: u64,
    pub people: u64,
}

/// A text literal (the generator's own strings; quotes doubled all the same).
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The VALUES of a new versioned row (id, district, unit, `vals`, valid from, created at
/// `$1`) and of its first version (id, district, unit, row id, valid from, open, `vals`);
/// both ids move on.
fn first_version(
    id: &mut i64,
    version: &mut i64,
    district: i64,
    unit: i64,
    vals: &str,
    from: NaiveDate,
) -> (String, String) {
    let row = format!("({id}, {district}, {unit}, {vals}, {}, $1)", d(from));
    let v = format!(
        "({version}, {district}, {unit}, {id}, {}, NULL, {vals})",
        d(from)
    );
    *id += 1;
    *version += 1;
    (row, v)
}

fn d(x: NaiveDate) -> String {
    format!("'{x}'")
}

/// Next ids of the tables written with explicit ids.
struct Ids {
    body: i64,
    body_version: i64,
    item: i64,
    item_version: i64,
    person: i64,
    post: i64,
    assignment: i64,
    plan: i64,
}

const ID_TABLES: [&str; 9] = [
    "bodies",
    "body_versions",
    "function_items",
    "function_versions",
    "people",
    "posts",
    "post_assignments",
    "reorg_plans",
    "users",
];

async fn next_id(tx: &mut Tx, table: &str) -> StoreResult<i64> {
    let r = tx
        .fetch_one(
            &format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}"),
            &[],
        )
        .await?;
    Ok(r.get::<i64>(0)? + 1)
}

/// Runs multi-row INSERTs of `rows` (each `(…)`) `per` at a time; `$1` is `at`.
async fn insert_rows(
    tx: &mut Tx,
    head: &str,
    rows: &[String],
    per: usize,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    for chunk in rows.chunks(per) {
        let sql = format!("{head} VALUES {}", chunk.join(", "));
        let params: Vec<Value> = if sql.contains("$1") {
            vec![at.into()]
        } else {
            vec![]
        };
        tx.execute(&sql, &params).await?;
    }
    Ok(())
}

/// Rows per multi-row INSERT (no bound parameters beyond `$1`, so SQLite's parameter
/// scan does not apply).
const PER: usize = 500;

impl SqlStore {
    /// Writes `scale` new districts (codes `{prefix}001`…) with their units, bodies,
    /// function items, staff with history, posts, assignments, quotas, one applied plan per
    /// unit, one district administrator each (`{prefix}001_admin`) and one administrator
    /// of its first unit (`{prefix}001_u001_admin`), password hash `password_hash`. `progress(people written, people in all)` after each unit.
    pub async fn write_scale(
        &self,
        scale: Scale,
        prefix: &str,
        password_hash: &str,
        at: DateTime<Utc>,
        mut progress: impl FnMut(u64, u64),
    ) -> StoreResult<ScaleCounts> {
        let mut counts = ScaleCounts::default();
        let total = scale.people();
        let mut global: u64 = 0;
        for di in 1..=scale.districts {
            let code = format!("{prefix}{di:03}");
            let district = self
                .create_district(&code, &format!("第{di}区（演示）"), at)
                .await?;
            counts.districts += 1;
            self.insert_admin(
                district,
                None,
                &format!("{code}_admin"),
                "district_admin",
                password_hash,
                at,
            )
            .await?;
            for ui in 1..=scale.units {
                let unit = self
                    .write_unit(district, ui, scale.staff, &mut global, at)
                    .await?;
                if ui == 1 {
                    self.insert_admin(
                        district,
                        Some(unit),
                        &format!("{code}_u001_admin"),
                        "unit_admin",
                        password_hash,
                        at,
                    )
                    .await?;
                }
                counts.units += 1;
                counts.people += u64::from(scale.staff);
                progress(counts.people, total);
            }
        }
        if self.db.backend() == Backend::Postgres {
            for t in ID_TABLES {
                self.db
                    .execute(
                        &format!(
                            "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
                        ),
                        &[],
                    )
                    .await?;
            }
        }
        let posts = ["posts", "post_assignments"];
        let tables: Vec<&str> = crate::people::PEOPLE_TABLES
            .iter()
            .chain(&posts)
            .copied()
            .collect();
        self.db.analyze(&tables).await?;
        Ok(counts)
    }

    /// An account with one role (the district's when `unit` is `None`).
    async fn insert_admin(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
        username: &str,
        role: &str,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let uid = next_id(&mut tx, "users").await?;
        tx.execute(
            "INSERT INTO users (id, district_id, unit_id, username, display_name, password_hash, must_change_password, active, created_at, password_changed_at) \
             VALUES ($1, $2, $3, $4, $4, $5, FALSE, TRUE, $6, $6)",
            &[
                uid.into(),
                district.0.into(),
                unit.map(|u| u.0).into(),
                username.into(),
                password_hash.into(),
                at.into(),
            ],
        )
        .await?;
        tx.execute(
            "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)",
            &[uid.into(), role.into()],
        )
        .await?;
        // Audited like every account created (the dashboard counts accounts and is kept
        // on the district's audit head).
        let entry = AuditEntry::system(district, at)
            .unit(unit)
            .did(AuditAction::UserCreate)
            .on(ObjectKind::User, uid)
            .after(&serde_json::json!({"username": username, "roles": [role], "demo_data": true}));
        commit_audited(tx, &entry).await
    }

    /// One unit in one transaction; returns its id.
    async fn write_unit(
        &self,
        district: DistrictId,
        ui: u32,
        staff: u32,
        global: &mut u64,
        at: DateTime<Utc>,
    ) -> StoreResult<UnitId> {
        let mut tx = self.db.begin().await?;
        let ucode = format!("u{ui:03}");
        let kind = if ui.is_multiple_of(3) {
            "subdistrict"
        } else {
            "town"
        };
        let uname = if kind == "town" {
            format!("第{ui}镇")
        } else {
            format!("第{ui}街道")
        };
        let unit: i64 = tx
            .fetch_one(
                "INSERT INTO units (district_id, code, name, kind, active, created_at) VALUES ($1, $2, $3, $4, TRUE, $5) RETURNING id",
                &[
                    district.0.into(),
                    ucode.as_str().into(),
                    uname.as_str().into(),
                    kind.into(),
                    at.into(),
                ],
            )
            .await?
            .get(0)?;
        let mut ids = Ids {
            body: next_id(&mut tx, "bodies").await?,
            body_version: next_id(&mut tx, "body_versions").await?,
            item: next_id(&mut tx, "function_items").await?,
            item_version: next_id(&mut tx, "function_versions").await?,
            person: next_id(&mut tx, "people").await?,
            post: next_id(&mut tx, "posts").await?,
            assignment: next_id(&mut tx, "post_assignments").await?,
            plan: next_id(&mut tx, "reorg_plans").await?,
        };
        let dd = district.0;
        let from = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
        let doc = q("甬编〔2020〕1号");
        let per_body = (i64::from(staff) / BODIES.len() as i64).max(1);
        // Bodies and their first version.
        let first_body = ids.body;
        let mut bodies = Vec::new();
        let mut versions = Vec::new();
        for (name, short, kind) in BODIES {
            let vals = format!(
                "{}, {}, {}, NULL, 'active', NULL, {per_body}, '', {doc}, '[]'",
                q(name),
                q(short),
                q(kind)
            );
            let (row, version) =
                first_version(&mut ids.body, &mut ids.body_version, dd, unit, &vals, from);
            bodies.push(row);
            versions.push(version);
        }
        insert_rows(&mut tx, "INSERT INTO bodies (id, district_id, unit_id, name, short_name, kind, parent_id, status, successor_id, establishment, head, doc_no, records_json, valid_from, created_at)", &bodies, PER, at).await?;
        insert_rows(&mut tx, "INSERT INTO body_versions (id, district_id, unit_id, body_id, valid_from, valid_to, name, short_name, kind, parent_id, status, successor_id, establishment, head, doc_no, records_json)", &versions, PER, at).await?;
        // Function items, each owned by one body.
        let first_item = ids.item;
        let mut items = Vec::new();
        let mut iversions = Vec::new();
        for (i, (title, cat)) in FUNCTIONS.iter().enumerate() {
            let owner = first_body + (i % BODIES.len()) as i64;
            let vals = format!(
                "{}, {}, {}, '', '[{owner}]', 'keep', ''",
                q(&format!("F{:02}", i + 1)),
                q(title),
                q(cat)
            );
            let (row, version) =
                first_version(&mut ids.item, &mut ids.item_version, dd, unit, &vals, from);
            items.push(row);
            iversions.push(version);
        }
        insert_rows(&mut tx, "INSERT INTO function_items (id, district_id, unit_id, code, title, category, legal_basis, owners_json, decision, reason, valid_from, created_at)", &items, PER, at).await?;
        insert_rows(&mut tx, "INSERT INTO function_versions (id, district_id, unit_id, item_id, valid_from, valid_to, code, title, category, legal_basis, owners_json, decision, reason)", &iversions, PER, at).await?;
        tx.execute(
            "INSERT INTO org_revisions (district_id, unit_id, rev, last_change) VALUES ($1, $2, 1, $3)",
            &[dd.into(), unit.into(), from.into()],
        )
        .await?;
        // Staff, a post each (one chief per body), the post's function, the assignment.
        let first_person = ids.person;
        let mut people = Vec::with_capacity(PER);
        let mut posts = Vec::with_capacity(PER);
        let mut post_fns = Vec::with_capacity(PER);
        let mut assigns = Vec::with_capacity(PER);
        let mut named: Vec<(i64, String, &str)> = Vec::with_capacity(PER);
        let mut per_kind = [0i64; 4];
        let birth0 = NaiveDate::from_ymd_opt(1965, 1, 1).unwrap_or_default();
        for i in 0..i64::from(staff) {
            let g = *global;
            *global += 1;
            let (identity, est, rank, pay) = KINDS[(g % 10) as usize];
            match est {
                "administrative" => per_kind[0] += 1,
                "institution" => per_kind[1] += 1,
                "service" => per_kind[2] += 1,
                _ => per_kind[3] += 1,
            }
            let birth = birth0 + Duration::days(((g / 1000) * 97 + (g % 97)) as i64);
            let seq = (g % 1000) as u32;
            let body17 = format!("330211{}{seq:03}", birth.format("%Y%m%d"));
            let idn = format!("{body17}{}", check_char(&body17).unwrap_or('X'));
            let gender = if seq % 2 == 1 { "male" } else { "female" };
            let name = format!(
                "{}{}",
                SURNAMES[(g % 24) as usize],
                GIVEN[((g / 24) % 30) as usize]
            );
            let body = first_body + (i % BODIES.len() as i64);
            let chief = i < BODIES.len() as i64;
            let join = from + Duration::days(g as i64 % 1500);
            let post_title = if chief { "主任" } else { "科员" };
            people.push(format!(
                "({}, {dd}, {unit}, NULL, {body}, {}, '{gender}', '{idn}', {}, '汉族', '中共党员', '大学本科', {}, {}, \
                 '{identity}', '{est}', {}, {}, {}, '', '', 'full', {}, {}, {}, {}, 'on_post', {}, $1, $1)",
                ids.person,
                q(&name),
                d(birth),
                d(birth + Duration::days(22 * 365)),
                d(join),
                q(post_title),
                q(rank),
                if chief { "TRUE" } else { "FALSE" },
                pay * 100,
                pay * 40,
                pay * 16,
                pay * 12,
                d(join),
            ));
            posts.push(format!(
                "({}, {dd}, {unit}, {body}, {}, '{}', 'any', '', 0, '', TRUE, $1, $1)",
                ids.post,
                q(&format!("{post_title}岗{}", i + 1)),
                if chief { "chief" } else { "general" },
            ));
            post_fns.push(format!(
                "({}, {dd}, {unit}, {}, 1600)",
                ids.post,
                first_item + i % FUNCTIONS.len() as i64
            ));
            assigns.push(format!(
                "({}, {dd}, {unit}, {}, {}, 100, TRUE, FALSE, {}, NULL, '', $1, '{BY}')",
                ids.assignment,
                ids.post,
                ids.person,
                d(join)
            ));
            named.push((ids.person, name, post_title));
            ids.person += 1;
            ids.post += 1;
            ids.assignment += 1;
            if people.len() == PER || i + 1 == i64::from(staff) {
                insert_rows(&mut tx, "INSERT INTO people (id, district_id, unit_id, host_unit_id, body_id, name, gender, id_number, birth_date, ethnicity, party, education, work_start, unit_join, identity, establishment, post, rank, leader, leader_role, phone, funding, basic_pay, allowances, social_insurance, housing_fund, status, status_since, created_at, updated_at)", &people, PER, at).await?;
                insert_rows(&mut tx, "INSERT INTO posts (id, district_id, unit_id, body_id, title, level, establishment, min_education, min_service_years, other_requirements, active, created_at, updated_at)", &posts, PER, at).await?;
                insert_rows(&mut tx, "INSERT INTO post_functions (post_id, district_id, unit_id, function_id, annual_hours)", &post_fns, PER, at).await?;
                insert_rows(&mut tx, "INSERT INTO post_assignments (id, district_id, unit_id, post_id, person_id, share_pct, main, overtime, start_date, end_date, end_reason, created_at, created_by)", &assigns, PER, at).await?;
                let refs: Vec<(i64, &str, &str)> =
                    named.iter().map(|(i, n, p)| (*i, n.as_str(), *p)).collect();
                crate::people_index::write_grams(&mut tx, district, &refs).await?;
                named.clear();
                people.clear();
                posts.clear();
                post_fns.clear();
                assigns.clear();
            }
        }
        // The hire row of each person: the history the dated roster and cost report read.
        tx.execute(
            &format!(
                "INSERT INTO person_events (district_id, person_id, on_date, kind, unit_id, host_unit_id, body_id, identity, establishment, post, rank, leader, \
                 funding, basic_pay, allowances, social_insurance, housing_fund, status, doc_no, note, created_at, created_by) \
                 SELECT p.district_id, p.id, p.unit_join, 'hire', p.unit_id, p.host_unit_id, p.body_id, p.identity, p.establishment, p.post, p.rank, p.leader, \
                 p.funding, p.basic_pay, p.allowances, p.social_insurance, p.housing_fund, p.status, '', '', $1, '{BY}' \
                 FROM people p WHERE p.id >= {first_person} AND p.id < {}",
                ids.person
            ),
            &[at.into()],
        )
        .await?;
        crate::people_index::refresh_latest(
            &mut tx,
            district,
            crate::people_index::Who::Range(first_person, ids.person),
        )
        .await?;
        let scope = crate::posts_index::Scope::Unit(UnitId(unit));
        crate::posts_index::refresh_posts(&mut tx, district, scope).await?;
        crate::posts_index::refresh_holders(&mut tx, district, scope).await?;
        // Establishment quotas of the whole unit: what is held plus a margin.
        let mut quotas = Vec::new();
        for (k, n) in ["administrative", "institution", "service"]
            .iter()
            .zip(per_kind)
        {
            quotas.push(format!(
                "({dd}, {unit}, 0, '{k}', {}, $1, '{BY}')",
                n + n / 10 + 1
            ));
        }
        quotas.push(format!("({dd}, {unit}, 0, 'leadership', 5, $1, '{BY}')"));
        insert_rows(&mut tx, "INSERT INTO establishment_quotas (district_id, unit_id, body_id, kind, approved, updated_at, updated_by)", &quotas, PER, at).await?;
        // One applied reorganisation plan (机构改革方案).
        tx.execute(
            &format!(
                "INSERT INTO reorg_plans (id, district_id, unit_id, title, status, doc_no, reason, effective, id_map_json, created_by, created_at, decided_by, decided_at, applied_at) \
                 VALUES ({}, {dd}, {unit}, '机构改革方案', 'applied', {doc}, '', {}, '[]', '{BY}', $1, '{BY}', $1, $1)",
                ids.plan,
                d(from)
            ),
            &[at.into()],
        )
        .await?;
        let entry = AuditEntry::system(district, at)
            .unit(UnitId(unit))
            .did(AuditAction::UnitCreate)
            .on(ObjectKind::Unit, &ucode)
            .after(&serde_json::json!({
                "code": ucode, "name": uname, "kind": kind,
                "demo_data": {"bodies": BODIES.len(), "functions": FUNCTIONS.len(), "staff": staff},
            }));
        commit_audited(tx, &entry).await?;
        Ok(UnitId(unit))
    }
}
