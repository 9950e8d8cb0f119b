//! Text as Chinese users expect it in lists: names in pinyin order (拼音排序).

use std::cmp::Ordering;

use pinyin::ToPinyin;

/// The pinyin sort key of one character: its syllable with the tone number at the end
/// (`zhang1`), so that the same syllable sorts by tone; any other character stands for
/// itself, lower case.
fn key(c: char) -> String {
    match c.to_pinyin() {
        Some(p) => p.with_tone_num_end().to_string(),
        None => c.to_lowercase().collect(),
    }
}

/// Compares two names in pinyin order (安 before 白, 李四 before 张三), character by
/// character; equal keys fall back to the text itself, so the order is total. Used by
/// the SQLite collation `pinyin` and by lists sorted in memory; PostgreSQL sorts with
/// ICU's Chinese collation, which is pinyin order as well.
pub fn pinyin_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars(), b.chars());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) if p == q => {}
            (Some(p), Some(q)) => match key(p).cmp(&key(q)) {
                Ordering::Equal => {}
                o => return o,
            },
        }
    }
}

/// Sorts `items` by the name `name` gives, in pinyin order.
pub fn sort_by_pinyin<T>(items: &mut [T], name: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| pinyin_cmp(name(a), name(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_pinyin() {
        let mut v = vec!["张三", "李四", "白云", "安然", "王五", "Zoe", "艾米"];
        sort_by_pinyin(&mut v, |s| s);
        assert_eq!(
            v,
            vec!["艾米", "安然", "白云", "李四", "王五", "Zoe", "张三"]
        );
        assert_eq!(pinyin_cmp("安", "白"), Ordering::Less);
        assert_eq!(pinyin_cmp("张三", "李四"), Ordering::Greater);
        assert_eq!(pinyin_cmp("李", "李四"), Ordering::Less);
        assert_eq!(pinyin_cmp("李四", "李四"), Ordering::Equal);
    }
}
