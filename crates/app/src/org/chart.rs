//! The org chart (机构设置图) as SVG: a tree of the active bodies under the unit, each box
//! showing name, kind, head and headcount (when the people module knows them) and the
//! nameplates it keeps. Pure and deterministic: the same structure gives the same bytes,
//! so the chart can be snapshot-tested, inlined in a page, printed and downloaded.

use std::fmt::Write as _;

use jiguan_domain::org::{Body, BodyId, BodyKind, Structure};

/// Box width and height, gaps (SVG user units = CSS pixels).
const W: i64 = 156;
const H: i64 = 70;
const GAP_X: i64 = 14;
const GAP_Y: i64 = 44;
const MARGIN: i64 = 16;

/// What the chart writes besides names: translated labels and optional people figures.
pub struct ChartText<'a> {
    /// The kind of a body, e.g. "中心".
    pub kind: &'a dyn Fn(BodyKind) -> String,
    /// "负责人" / "Head".
    pub head: &'a str,
    /// "人" / "staff" (after a headcount).
    pub staff: &'a str,
    /// "牌子" / "nameplates" (before the count of nameplate records kept).
    pub plates: &'a str,
    /// Headcount of a body, once the people module knows it.
    pub headcount: &'a dyn Fn(BodyId) -> Option<i64>,
    /// Write width and height (a file); without them the chart scales to its container
    /// (a page, a printout).
    pub sized: bool,
}

impl<'a> ChartText<'a> {
    /// The Chinese labels (a body's kind by its Chinese label), for a file.
    pub fn zh(headcount: &'a dyn Fn(BodyId) -> Option<i64>) -> Self {
        ChartText {
            kind: &zh_kind,
            head: "负责人",
            staff: "人",
            plates: "牌子",
            headcount,
            sized: true,
        }
    }
}

fn zh_kind(k: BodyKind) -> String {
    k.zh().to_string()
}

/// Escapes text for SVG.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Cuts a label to fit a box (CJK characters count double).
fn fit(s: &str, max_units: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in s.chars() {
        let w = if c.is_ascii() { 1 } else { 2 };
        if used + w > max_units {
            out.push('…');
            return out;
        }
        used += w;
        out.push(c);
    }
    out
}

/// A placed box: its body (none for the unit) and position in slots and rows, and the
/// box its incoming edge comes from (the parent, or the box above it in a stacked column).
struct Node<'a> {
    body: Option<&'a Body>,
    /// Column, in slots (halves when centred over an even number of columns).
    x: f64,
    row: i64,
    from: Option<usize>,
    /// The edge comes from the box directly above (a stacked column).
    chained: bool,
}

fn kind_rank(k: BodyKind) -> usize {
    BodyKind::ALL.iter().position(|x| *x == k).unwrap_or(0)
}

fn kids(s: &Structure, parent: Option<BodyId>) -> Vec<&Body> {
    let mut v = s.children(parent);
    v.sort_by_key(|b| (kind_rank(b.kind), b.id));
    v
}

/// Lays the tree out. Children that host nobody are stacked in one column per kind (a
/// unit with twelve stations stays readable); children that host others get their own
/// subtree side by side. A parent sits centred over its columns.
fn layout(s: &Structure) -> Vec<Node<'_>> {
    let mut nodes = vec![Node {
        body: None,
        x: 0.0,
        row: 0,
        from: None,
        chained: false,
    }];
    let budget = s.bodies.len() + 1;
    place(s, &mut nodes, 0, None, 0.0, 0, budget);
    nodes
}

/// Places the children of node `idx` (body `parent`) from column `x0`; returns the width
/// used, in slots.
fn place<'a>(
    s: &'a Structure,
    nodes: &mut Vec<Node<'a>>,
    idx: usize,
    parent: Option<BodyId>,
    x0: f64,
    row: i64,
    budget: usize,
) -> f64 {
    if budget == 0 {
        return 1.0;
    }
    let children = kids(s, parent);
    let mut x = x0;
    let mut i = 0;
    while let Some(c) = children.get(i) {
        if s.children(Some(c.id)).is_empty() {
            // A column of consecutive leaves of the same kind.
            let mut above: Option<usize> = None;
            let mut r = row + 1;
            while let Some(l) = children.get(i) {
                if l.kind != c.kind || !s.children(Some(l.id)).is_empty() {
                    break;
                }
                nodes.push(Node {
                    body: Some(l),
                    x,
                    row: r,
                    from: Some(above.unwrap_or(idx)),
                    chained: above.is_some(),
                });
                above = Some(nodes.len() - 1);
                r += 1;
                i += 1;
            }
            x += 1.0;
        } else {
            nodes.push(Node {
                body: Some(c),
                x,
                row: row + 1,
                from: Some(idx),
                chained: false,
            });
            let me = nodes.len() - 1;
            let w = place(s, nodes, me, Some(c.id), x, row + 1, budget - 1);
            if let Some(n) = nodes.get_mut(me) {
                n.x = x + (w - 1.0) / 2.0;
            }
            x += w;
            i += 1;
        }
    }
    let width = (x - x0).max(1.0);
    if idx == 0
        && let Some(n) = nodes.get_mut(0)
    {
        n.x = x0 + (width - 1.0) / 2.0;
    }
    width
}

/// Draws one unit's chart. `title` is the unit's name with the date.
pub fn svg(s: &Structure, title: &str, t: &ChartText<'_>) -> String {
    let nodes = layout(s);
    let cols = nodes.iter().map(|n| n.x).fold(0.0, f64::max) + 1.0;
    let rows = nodes.iter().map(|n| n.row).max().unwrap_or(0) + 1;
    let width = MARGIN * 2 + (cols as i64) * (W + GAP_X) - GAP_X;
    let height = MARGIN * 2 + rows * (H + GAP_Y) - GAP_Y;
    let px = |n: &Node| MARGIN + (n.x * (W + GAP_X) as f64).round() as i64;
    let py = |n: &Node| MARGIN + n.row * (H + GAP_Y);
    let mut o = String::with_capacity(512 + nodes.len() * 600);
    let _ = write!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="org-chart" viewBox="0 0 {width} {height}"{} role="img" aria-label="{}" font-family="sans-serif" font-size="12">"#,
        if t.sized {
            format!(r#" width="{width}" height="{height}""#)
        } else {
            String::new()
        },
        esc(title)
    );
    let _ = write!(o, "<title>{}</title>", esc(title));
    // Edges first, under the boxes.
    for n in &nodes {
        let Some(p) = n.from.and_then(|f| nodes.get(f)) else {
            continue;
        };
        let (x2, y2) = (px(n) + W / 2, py(n));
        let d = if n.chained {
            format!("M{x2} {}V{y2}", py(p) + H)
        } else {
            let (x1, y1) = (px(p) + W / 2, py(p) + H);
            let ym = y1 + GAP_Y / 2;
            format!("M{x1} {y1}V{ym}H{x2}V{y2}")
        };
        let _ = write!(
            o,
            r##"<path d="{d}" fill="none" stroke="#6b7280" stroke-width="1"/>"##
        );
    }
    for n in &nodes {
        let (x, y) = (px(n), py(n));
        let cx = x + W / 2;
        match n.body {
            None => {
                let _ = write!(
                    o,
                    r##"<g class="unit"><rect x="{x}" y="{y}" width="{W}" height="{H}" rx="6" fill="#1f3a5f" stroke="#1f3a5f"/><text x="{cx}" y="{}" text-anchor="middle" fill="#ffffff" font-size="14" font-weight="bold">{}</text></g>"##,
                    y + H / 2 + 5,
                    esc(&fit(title, 20))
                );
            }
            Some(b) => {
                let fill = match b.kind {
                    BodyKind::Office => "#e8f0fa",
                    BodyKind::Institute => "#eef7ee",
                    BodyKind::Centre => "#fff4e0",
                    BodyKind::PublicInstitution => "#f3f4f6",
                    BodyKind::EnterpriseUnit => "#fdecec",
                };
                let _ = write!(
                    o,
                    r##"<g class="body" data-id="{}" data-kind="{}"><rect x="{x}" y="{y}" width="{W}" height="{H}" rx="4" fill="{fill}" stroke="#374151"/>"##,
                    b.id,
                    b.kind.code()
                );
                let _ = write!(
                    o,
                    r#"<text x="{cx}" y="{}" text-anchor="middle" font-weight="bold">{}</text>"#,
                    y + 17,
                    esc(&fit(&b.name, 22))
                );
                let mut line2 = (t.kind)(b.kind);
                if !b.records.is_empty() {
                    let _ = write!(line2, " · {}{}", t.plates, b.records.len());
                }
                let _ = write!(
                    o,
                    r##"<text x="{cx}" y="{}" text-anchor="middle" fill="#374151">{}</text>"##,
                    y + 35,
                    esc(&fit(&line2, 24))
                );
                let mut line3 = String::new();
                if !b.head.is_empty() {
                    let _ = write!(line3, "{} {}", t.head, b.head);
                }
                if let Some(hc) = (t.headcount)(b.id) {
                    if !line3.is_empty() {
                        line3.push_str(" · ");
                    }
                    let _ = write!(line3, "{hc}{}", t.staff);
                }
                if !line3.is_empty() {
                    let _ = write!(
                        o,
                        r##"<text x="{cx}" y="{}" text-anchor="middle" fill="#4b5563" font-size="11">{}</text>"##,
                        y + 53,
                        esc(&fit(&line3, 24))
                    );
                }
                o.push_str("</g>");
            }
        }
    }
    o.push_str("</svg>");
    o
}

/// Draws the charts of several units one under another (a district's org charts).
pub fn district_svg(units: &[(String, Structure)], t: &ChartText<'_>) -> String {
    let mut parts = Vec::new();
    let (mut y, mut width) = (0i64, 0i64);
    for (title, s) in units {
        let one = svg(s, title, t);
        let (w, h) = size_of(&one);
        parts.push(format!(r#"<g transform="translate(0 {y})">{one}</g>"#));
        y += h;
        width = width.max(w);
    }
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {y}" width="{width}" height="{y}">{}</svg>"#,
        parts.concat()
    )
}

/// Width and height written in a chart's root element.
fn size_of(svg: &str) -> (i64, i64) {
    let vb: Vec<i64> = svg
        .split_once("viewBox=\"")
        .and_then(|(_, rest)| rest.split('"').next())
        .map(|v| v.split(' ').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_default();
    (
        vb.get(2).copied().unwrap_or(0),
        vb.get(3).copied().unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiguan_domain::org::{BodyStatus, NameplateRecord};

    fn body(id: i64, name: &str, kind: BodyKind, parent: Option<i64>) -> Body {
        Body {
            parent: parent.map(BodyId),
            ..Body::new(BodyId(id), name, kind)
        }
    }

    #[test]
    fn chart_is_a_deterministic_tree() {
        let mut centre = body(2, "社会事务服务中心", BodyKind::Centre, None);
        centre.head = "张伟".into();
        centre.records.push(NameplateRecord {
            source: BodyId(9),
            name: "环卫所".into(),
            kind: BodyKind::PublicInstitution,
            establishment: 3,
            doc_no: String::new(),
        });
        let mut gone = body(5, "农机站", BodyKind::PublicInstitution, None);
        gone.status = BodyStatus::Merged(BodyId(2));
        let s = Structure {
            bodies: vec![
                body(1, "党政办<&>", BodyKind::Office, None),
                centre,
                body(3, "文化站", BodyKind::PublicInstitution, Some(2)),
                gone,
            ],
            ..Structure::default()
        };
        let hc = |b: BodyId| (b.0 == 2).then_some(12);
        let t = ChartText::zh(&hc);
        let a = svg(&s, "骆驼街道 2019-06-01", &t);
        assert_eq!(a, svg(&s, "骆驼街道 2019-06-01", &t));
        assert!(a.starts_with("<svg"));
        assert!(a.contains(" width=\""));
        assert!(a.contains("党政办&lt;&amp;&gt;"));
        assert!(a.contains("负责人 张伟 · 12人"));
        assert!(a.contains("中心 · 牌子1"));
        assert!(!a.contains("农机站"), "merged bodies are not drawn");
        assert_eq!(a.matches("class=\"body\"").count(), 3);
        // Unit → 2 top bodies, centre → 1 hosted body: 3 edges.
        assert_eq!(a.matches("<path").count(), 3);
        // Twelve stations stack in one column: the chart stays narrow.
        let mut many = s.clone();
        for i in 0..12 {
            many.bodies.push(body(
                100 + i,
                &format!("站{i}"),
                BodyKind::PublicInstitution,
                None,
            ));
        }
        let m = svg(&many, "x", &t);
        let vb = size_of(&m);
        assert!(vb.0 < 4 * (W + GAP_X) + 2 * MARGIN, "{vb:?}");
        assert_eq!(m.matches("<path").count(), 15);
        let d = district_svg(&[("A".into(), s.clone()), ("B".into(), s)], &t);
        assert_eq!(d.matches("class=\"org-chart\"").count(), 2);
    }
}
