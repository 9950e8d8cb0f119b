-- Organisation design (机构设置): bodies and function items with dated versions
-- [valid_from, valid_to), the unit's revision counter, district kind rules, approved
-- totals (caps with validity; per-phase splits of middle posts) and reorganisation plans.
-- `bodies` and `function_items` hold each row's current state (other modules join them);
-- the *_versions tables hold the history the structure on any date is read from.
CREATE TABLE bodies (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('office', 'institute', 'centre', 'public_institution', 'enterprise_unit')),
    parent_id BIGINT,
    status TEXT NOT NULL CHECK (status IN ('active', 'merged', 'abolished', 'converted')),
    successor_id BIGINT,
    establishment BIGINT NOT NULL,
    head TEXT NOT NULL,
    doc_no TEXT NOT NULL,
    records_json TEXT NOT NULL,
    valid_from DATE NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX bodies_scope ON bodies (district_id, unit_id);
CREATE TABLE body_versions (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    valid_from DATE NOT NULL,
    valid_to DATE,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id BIGINT,
    status TEXT NOT NULL,
    successor_id BIGINT,
    establishment BIGINT NOT NULL,
    head TEXT NOT NULL,
    doc_no TEXT NOT NULL,
    records_json TEXT NOT NULL
);
CREATE INDEX body_versions_scope ON body_versions (district_id, unit_id, valid_from);
CREATE INDEX body_versions_body ON body_versions (body_id, valid_from);
CREATE TABLE function_items (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    owners_json TEXT NOT NULL,
    decision TEXT,
    reason TEXT NOT NULL,
    valid_from DATE NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX function_items_scope ON function_items (district_id, unit_id);
CREATE TABLE function_versions (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    item_id BIGINT NOT NULL REFERENCES function_items(id),
    valid_from DATE NOT NULL,
    valid_to DATE,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    owners_json TEXT NOT NULL,
    decision TEXT,
    reason TEXT NOT NULL
);
CREATE INDEX function_versions_scope ON function_versions (district_id, unit_id, valid_from);
CREATE TABLE org_revisions (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    rev BIGINT NOT NULL,
    last_change DATE NOT NULL,
    PRIMARY KEY (district_id, unit_id)
);
CREATE TABLE org_rule_sets (
    district_id BIGINT PRIMARY KEY REFERENCES districts(id),
    updated_at {ts} NOT NULL
);
CREATE TABLE org_kind_rules (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    body_kind TEXT NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (district_id, body_kind, category)
);
CREATE TABLE org_caps (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    max_bodies BIGINT NOT NULL,
    max_chiefs BIGINT NOT NULL,
    max_deputies BIGINT NOT NULL,
    doc_no TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    set_by TEXT NOT NULL,
    set_at {ts} NOT NULL
);
CREATE INDEX org_caps_scope ON org_caps (district_id, unit_id, valid_from);
CREATE TABLE org_splits (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    phase TEXT NOT NULL,
    effective DATE NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at {ts} NOT NULL,
    UNIQUE (district_id, unit_id, phase)
);
CREATE TABLE org_split_lines (
    split_id BIGINT NOT NULL REFERENCES org_splits(id) ON DELETE CASCADE,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    chiefs BIGINT NOT NULL,
    deputies BIGINT NOT NULL,
    PRIMARY KEY (split_id, body_id)
);
CREATE TABLE reorg_plans (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'applied')),
    doc_no TEXT NOT NULL,
    reason TEXT NOT NULL,
    effective DATE,
    id_map_json TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at {ts},
    applied_at {ts}
);
CREATE INDEX reorg_plans_scope ON reorg_plans (district_id, unit_id);
CREATE TABLE reorg_ops (
    plan_id BIGINT NOT NULL REFERENCES reorg_plans(id) ON DELETE CASCADE,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    seq BIGINT NOT NULL,
    op_json TEXT NOT NULL,
    PRIMARY KEY (plan_id, seq)
)
