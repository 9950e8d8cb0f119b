//! Managed lists (数据字典): the values the person record's list fields may take, with codes.
//!
//! Each district has its own copy of each list. The system ships the official lists
//! ([`DictKind::builtin`]): 民族 (GB 3304-1991, the 56 names, codes 01–56), 政治面貌
//! (GB/T 4762-1984, codes 01–13), 学历 (GB/T 4658-2006 codes) and 职级 (the 2019 公务员职级
//! series with the township leadership levels and the public-institution post grades; no
//! national code covers them, so the codes are the system's own). A district administrator
//! adds items, reorders them and disables them; the stored rows ([`StoredItem`]) overlay
//! the built-in ones by code. Items are never deleted and never renamed: a person's record
//! holds the item's name, so a used item stays readable; disabling it stops new use.
//!
//! The lists the rules depend on (身份, 编制类型, 经费来源) are closed lists in the code
//! ([`crate::people::Identity`] and the others); the dictionary shows them read-only
//! ([`DictKind::fixed`]).

use serde::Serialize;

use crate::FieldError;
use crate::people::{EstablishmentKind, Funding, Identity};

closed_lists!("dict.toml");

/// One item of a list as the district sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DictItem {
    pub code: String,
    pub name: String,
    pub sort: i64,
    pub enabled: bool,
    /// Shipped with the system (official list) rather than added by the district.
    pub builtin: bool,
}

/// A district's stored row for one item: an added item, or a built-in one reordered or
/// disabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredItem {
    pub kind: DictKind,
    pub code: String,
    pub name: String,
    pub sort: i64,
    pub enabled: bool,
}

/// Longest code and name, in characters.
pub const CODE_MAX: usize = 10;
pub const NAME_MAX: usize = 20;

const ETHNICITIES: [&str; 56] = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
];

/// GB/T 4762-1984 in its usual short names, codes 01–13.
const PARTIES: [&str; 13] = [
    "中共党员",
    "中共预备党员",
    "共青团员",
    "民革会员",
    "民盟盟员",
    "民建会员",
    "民进会员",
    "农工党党员",
    "致公党党员",
    "九三学社社员",
    "台盟盟员",
    "无党派人士",
    "群众",
];

/// GB/T 4658-2006: the graduate (毕业) code of each level.
const EDUCATION: [(&str, &str); 11] = [
    ("11", "博士研究生"),
    ("14", "硕士研究生"),
    ("21", "大学本科"),
    ("31", "大学专科"),
    ("41", "中等专科"),
    ("44", "职业高中"),
    ("47", "技工学校"),
    ("61", "普通高中"),
    ("71", "初中"),
    ("81", "小学"),
    ("90", "其他"),
];

/// 公务员职级 (公务员职务与职级并行规定, 2019, art. 5 综合管理类), 试用期, the township
/// leadership levels (乡科级), and the public-institution post grades (事业单位岗位设置管理
/// 试行办法, 2006: 管理岗位 十级, 专业技术岗位 十三级, 工勤技能岗位).
fn ranks() -> Vec<(String, String)> {
    const CIVIL: [&str; 12] = [
        "一级巡视员",
        "二级巡视员",
        "一级调研员",
        "二级调研员",
        "三级调研员",
        "四级调研员",
        "一级主任科员",
        "二级主任科员",
        "三级主任科员",
        "四级主任科员",
        "一级科员",
        "二级科员",
    ];
    const NUM: [&str; 13] = [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三",
    ];
    let mut v: Vec<(String, String)> = CIVIL
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("1{:02}", i + 1), n.to_string()))
        .collect();
    v.push(("120".into(), "试用期".into()));
    v.push(("201".into(), "乡科级正职".into()));
    v.push(("202".into(), "乡科级副职".into()));
    for (i, n) in NUM.iter().take(10).enumerate() {
        v.push((format!("3{:02}", i + 1), format!("管理{n}级")));
    }
    for (i, n) in NUM.iter().enumerate() {
        v.push((format!("4{:02}", i + 1), format!("专技{n}级")));
    }
    for (i, n) in NUM.iter().take(5).enumerate() {
        v.push((format!("5{:02}", i + 1), format!("技术工{n}级")));
    }
    v.push(("506".into(), "普通工".into()));
    v
}

impl DictKind {
    /// Whether the list is closed in the code (the rules depend on it): shown, not edited.
    pub fn fixed(self) -> bool {
        matches!(
            self,
            DictKind::Identity | DictKind::Establishment | DictKind::Funding
        )
    }

    /// The person-record field the list is for (also the import template's field code).
    pub fn field(self) -> &'static str {
        self.code()
    }

    /// The lists a district administrator edits.
    pub fn managed() -> impl Iterator<Item = DictKind> {
        Self::ALL.iter().copied().filter(|k| !k.fixed())
    }

    /// The standard the built-in items come from.
    pub fn standard(self) -> &'static str {
        match self {
            DictKind::Ethnicity => "GB 3304-1991",
            DictKind::Party => "GB/T 4762-1984",
            DictKind::Education => "GB/T 4658-2006",
            DictKind::Rank => {
                "公务员职务与职级并行规定 (2019); 事业单位岗位设置管理试行办法 (2006)"
            }
            DictKind::Identity | DictKind::Establishment | DictKind::Funding => "",
        }
    }

    /// The items shipped with the system, in official order (sort = 10, 20, …).
    pub fn builtin(self) -> Vec<DictItem> {
        let pairs: Vec<(String, String)> = match self {
            DictKind::Ethnicity => ETHNICITIES
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("{:02}", i + 1), n.to_string()))
                .collect(),
            DictKind::Party => PARTIES
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("{:02}", i + 1), n.to_string()))
                .collect(),
            DictKind::Education => EDUCATION
                .iter()
                .map(|(c, n)| (c.to_string(), n.to_string()))
                .collect(),
            DictKind::Rank => ranks(),
            DictKind::Identity => Identity::ALL
                .iter()
                .map(|v| (v.code().to_string(), v.zh().to_string()))
                .collect(),
            DictKind::Establishment => EstablishmentKind::ALL
                .iter()
                .map(|v| (v.code().to_string(), v.zh().to_string()))
                .collect(),
            DictKind::Funding => Funding::ALL
                .iter()
                .map(|v| (v.code().to_string(), v.zh().to_string()))
                .collect(),
        };
        pairs
            .into_iter()
            .zip(1i64..)
            .map(|((code, name), i)| DictItem {
                code,
                name,
                sort: i * 10,
                enabled: true,
                builtin: true,
            })
            .collect()
    }

    /// A district's list: the built-in items overlaid by its stored rows (same code), plus
    /// the items it added, ordered by `sort` then code.
    pub fn merge(self, stored: &[StoredItem]) -> Vec<DictItem> {
        let mut items = self.builtin();
        if !self.fixed() {
            for s in stored.iter().filter(|s| s.kind == self) {
                match items.iter_mut().find(|i| i.code == s.code) {
                    Some(i) => {
                        i.sort = s.sort;
                        i.enabled = s.enabled;
                    }
                    None => items.push(DictItem {
                        code: s.code.clone(),
                        name: s.name.clone(),
                        sort: s.sort,
                        enabled: s.enabled,
                        builtin: false,
                    }),
                }
            }
        }
        items.sort_by(|a, b| a.sort.cmp(&b.sort).then_with(|| a.code.cmp(&b.code)));
        items
    }
}

/// A district's lists, as the person form and the import check them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dict {
    lists: Vec<(DictKind, Vec<DictItem>)>,
}

impl Default for Dict {
    /// The built-in lists (a district that changed nothing).
    fn default() -> Self {
        Self::from_stored(&[])
    }
}

/// How many allowed values an error names before it says "and N in all".
pub const ALLOWED_SHOWN: usize = 12;

impl Dict {
    pub fn from_stored(stored: &[StoredItem]) -> Self {
        Dict {
            lists: DictKind::ALL
                .iter()
                .map(|k| (*k, k.merge(stored)))
                .collect(),
        }
    }

    /// Every item of a list, disabled ones included.
    pub fn items(&self, kind: DictKind) -> &[DictItem] {
        self.lists
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// The names a new value may take, in order.
    pub fn names(&self, kind: DictKind) -> Vec<&str> {
        self.items(kind)
            .iter()
            .filter(|i| i.enabled)
            .map(|i| i.name.as_str())
            .collect()
    }

    /// Checks an optional list value (blank is allowed): the name or the code of an enabled
    /// item gives the item's name; `keep` (the value the record holds now) is accepted as
    /// it is, so that a record holding a value from before the list, or a disabled item,
    /// can still be saved unchanged. Error `not_in_dict` (or `not_in_dict_long` for lists
    /// longer than [`ALLOWED_SHOWN`]) on the list's field, with `value`, `allowed` (the
    /// names, joined by 、) and `count`.
    pub fn check(
        &self,
        kind: DictKind,
        raw: &str,
        keep: Option<&str>,
    ) -> Result<String, FieldError> {
        let v = raw.trim();
        if v.is_empty() {
            return Ok(String::new());
        }
        if keep.is_some_and(|k| k == v) {
            return Ok(v.to_string());
        }
        let found = self
            .items(kind)
            .iter()
            .filter(|i| i.enabled)
            .find(|i| i.name == v || i.code == v);
        match found {
            Some(i) => Ok(i.name.clone()),
            None => {
                let names = self.names(kind);
                let code = if names.len() > ALLOWED_SHOWN {
                    "not_in_dict_long"
                } else {
                    "not_in_dict"
                };
                Err(FieldError::new(kind.field(), code)
                    .with("value", v.chars().take(40).collect::<String>())
                    .with(
                        "allowed",
                        names
                            .iter()
                            .take(ALLOWED_SHOWN)
                            .copied()
                            .collect::<Vec<_>>()
                            .join("、"),
                    )
                    .with("count", names.len()))
            }
        }
    }
}

/// An item as entered by the district administrator (add or change).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ItemForm {
    pub code: String,
    pub name: String,
    pub sort: String,
    /// Checkbox: present when enabled.
    pub enabled: Option<String>,
}

impl ItemForm {
    /// Validates a new item against the list it joins. Errors: `code` required /
    /// `dict_code_invalid` (letters, digits, `-`, `_`, at most 10) / `dict_code_taken`; `name`
    /// required / too_long / `dict_name_taken`; `sort` integer_invalid / out_of_range.
    pub fn parse_new(
        &self,
        kind: DictKind,
        list: &[DictItem],
    ) -> Result<StoredItem, Vec<FieldError>> {
        let mut errs = Vec::new();
        let code = self.code.trim();
        if code.is_empty() {
            errs.push(FieldError::new("code", "required"));
        } else if code.chars().count() > CODE_MAX
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errs.push(FieldError::new("code", "dict_code_invalid").with("max", CODE_MAX));
        } else if list.iter().any(|i| i.code == code) {
            errs.push(FieldError::new("code", "dict_code_taken").with("code", code));
        }
        let name = self.name.trim();
        if name.is_empty() {
            errs.push(FieldError::new("name", "required"));
        } else if name.chars().count() > NAME_MAX {
            errs.push(FieldError::new("name", "too_long").with("max", NAME_MAX));
        } else if list.iter().any(|i| i.name == name) {
            errs.push(FieldError::new("name", "dict_name_taken").with("name", name));
        }
        let sort = match parse_sort(
            &self.sort,
            list.iter().map(|i| i.sort).max().unwrap_or(0) + 10,
        ) {
            Ok(s) => s,
            Err(e) => {
                errs.push(e);
                0
            }
        };
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(StoredItem {
            kind,
            code: code.to_string(),
            name: name.to_string(),
            sort,
            enabled: true,
        })
    }

    /// Validates a change of an existing item: its order and whether it is enabled (the
    /// name stays).
    pub fn parse_change(
        &self,
        kind: DictKind,
        item: &DictItem,
    ) -> Result<StoredItem, Vec<FieldError>> {
        let sort = parse_sort(&self.sort, item.sort).map_err(|e| vec![e])?;
        Ok(StoredItem {
            kind,
            code: item.code.clone(),
            name: item.name.clone(),
            sort,
            enabled: self
                .enabled
                .as_deref()
                .is_some_and(|v| !v.is_empty() && v != "false"),
        })
    }
}

fn parse_sort(raw: &str, default: i64) -> Result<i64, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(default);
    }
    let n: i64 = v
        .parse()
        .map_err(|_| FieldError::new("sort", "integer_invalid"))?;
    if !(0..=99_999).contains(&n) {
        return Err(FieldError::new("sort", "out_of_range")
            .with("min", 0)
            .with("max", 99_999));
    }
    Ok(n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn official_lists() {
        let e = DictKind::Ethnicity.builtin();
        assert_eq!(e.len(), 56);
        assert_eq!((e[0].code.as_str(), e[0].name.as_str()), ("01", "汉族"));
        assert_eq!((e[3].code.as_str(), e[3].name.as_str()), ("04", "藏族"));
        assert_eq!((e[55].code.as_str(), e[55].name.as_str()), ("56", "基诺族"));
        let names: std::collections::BTreeSet<_> = e.iter().map(|i| &i.name).collect();
        assert_eq!(names.len(), 56);
        let p = DictKind::Party.builtin();
        assert_eq!(p.len(), 13);
        assert_eq!((p[3].code.as_str(), p[3].name.as_str()), ("04", "民革会员"));
        assert_eq!((p[12].code.as_str(), p[12].name.as_str()), ("13", "群众"));
        let r = DictKind::Rank.builtin();
        assert!(r.iter().any(|i| i.name == "四级主任科员"));
        assert!(r.iter().any(|i| i.name == "专技十三级"));
        assert!(r.iter().any(|i| i.name == "管理九级"));
        for k in DictKind::ALL {
            let items = k.builtin();
            let codes: std::collections::BTreeSet<_> = items.iter().map(|i| &i.code).collect();
            assert_eq!(codes.len(), items.len(), "{k:?}");
            assert!(items.iter().all(|i| i.name.chars().count() <= NAME_MAX));
        }
    }

    #[test]
    fn check_by_name_code_and_keep() {
        let d = Dict::default();
        assert_eq!(
            d.check(DictKind::Ethnicity, " 回族 ", None),
            Ok("回族".into())
        );
        assert_eq!(d.check(DictKind::Ethnicity, "01", None), Ok("汉族".into()));
        assert_eq!(d.check(DictKind::Party, "", None), Ok(String::new()));
        assert_eq!(
            d.check(DictKind::Education, "大专", Some("大专")),
            Ok("大专".into())
        );
        let e = d.check(DictKind::Ethnicity, "汉", None).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("ethnicity", "not_in_dict_long")
        );
        assert!(e.args.contains(&("count".into(), "56".into())));
        assert!(
            e.args
                .iter()
                .any(|(k, v)| k == "allowed" && v.starts_with("汉族、蒙古族、回族"))
        );
        let e = d.check(DictKind::Education, "大专", None).unwrap_err();
        assert_eq!(e.code, "not_in_dict");
        assert!(
            e.args
                .iter()
                .any(|(k, v)| k == "allowed" && v.contains("大学专科"))
        );
    }

    #[test]
    fn stored_rows_overlay_and_add() {
        let stored = vec![
            StoredItem {
                kind: DictKind::Ethnicity,
                code: "02".into(),
                name: "蒙古族".into(),
                sort: 1,
                enabled: false,
            },
            StoredItem {
                kind: DictKind::Ethnicity,
                code: "97".into(),
                name: "其他".into(),
                sort: 999,
                enabled: true,
            },
            StoredItem {
                kind: DictKind::Identity,
                code: "x".into(),
                name: "不许".into(),
                sort: 1,
                enabled: true,
            },
        ];
        let d = Dict::from_stored(&stored);
        let e = d.items(DictKind::Ethnicity);
        assert_eq!(e.len(), 57);
        assert_eq!(e[0].name, "蒙古族");
        assert!(!e[0].enabled);
        assert_eq!(e[56].name, "其他");
        assert!(!e[56].builtin);
        assert!(d.check(DictKind::Ethnicity, "蒙古族", None).is_err());
        assert_eq!(
            d.check(DictKind::Ethnicity, "其他", None),
            Ok("其他".into())
        );
        assert_eq!(d.items(DictKind::Identity).len(), Identity::ALL.len());
    }

    #[test]
    fn new_items_are_checked() {
        let list = DictKind::Party.builtin();
        let f = ItemForm {
            code: "01".into(),
            name: "群众".into(),
            sort: "x".into(),
            enabled: None,
        };
        let codes: Vec<_> = f
            .parse_new(DictKind::Party, &list)
            .unwrap_err()
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            vec!["dict_code_taken", "dict_name_taken", "integer_invalid"]
        );
        let ok = ItemForm {
            code: "14".into(),
            name: "港澳同胞".into(),
            ..ItemForm::default()
        }
        .parse_new(DictKind::Party, &list)
        .unwrap();
        assert_eq!(ok.sort, 140);
        assert!(ok.enabled);
    }
}
