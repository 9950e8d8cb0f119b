-- Managed lists (数据字典). The built-in items (民族, 政治面貌, 学历, 职级) live in the code
-- (jiguan_domain::dict). A row here is a district's own item, or a built-in item the district
-- reordered or disabled (same code). Items are never deleted.
CREATE TABLE dict_items (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    sort BIGINT NOT NULL,
    enabled BOOLEAN NOT NULL,
    updated_at {ts} NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (district_id, kind, code)
);
CREATE UNIQUE INDEX dict_items_name ON dict_items (district_id, kind, name);
-- Roster values typed before the lists existed, mapped onto the list items. Values that
-- match no item are kept as they are: the record shows them and may be saved unchanged.
UPDATE people SET ethnicity = ethnicity || '族' WHERE ethnicity IN ('汉', '回', '满', '蒙古', '藏', '壮', '维吾尔', '苗', '彝', '土家', '畲', '侗', '瑶', '白', '朝鲜', '布依');
UPDATE people SET party = '中共党员' WHERE party IN ('党员', '共产党员', '中国共产党党员', '中共党员 ');
UPDATE people SET party = '中共预备党员' WHERE party IN ('预备党员', '中国共产党预备党员');
UPDATE people SET party = '共青团员' WHERE party IN ('团员', '中国共产主义青年团团员');
UPDATE people SET party = '无党派人士' WHERE party IN ('无党派', '无党派民主人士');
UPDATE people SET education = '大学专科' WHERE education IN ('大专', '专科');
UPDATE people SET education = '大学本科' WHERE education IN ('本科', '大学');
UPDATE people SET education = '硕士研究生' WHERE education IN ('硕士', '研究生');
UPDATE people SET education = '博士研究生' WHERE education = '博士';
UPDATE people SET education = '中等专科' WHERE education = '中专';
UPDATE people SET education = '普通高中' WHERE education = '高中'
