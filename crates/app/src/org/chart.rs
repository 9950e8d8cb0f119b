//! The org chart (机构设置图) as SVG: the unit top left and its bodies under it, siblings
//! side by side in rows (one band per kind of body, wrapping after [`PER_ROW`] boxes), each
//! row hanging from a bus line on a trunk that comes down from the unit, and the bodies a
//! body hosts (挂靠) stacked under their host. The unit sits at the left so that a phone,
//! which shows the chart's left part and scrolls the rest, shows where the tree starts. Each box shows name, kind, the nameplates it keeps, the head, and the headcount
//! on post next to the establishment it uses ("在岗 4 / 编制 5"). Pure and deterministic:
//! the same structure gives the same bytes, so the chart can be snapshot-tested, inlined in
//! a page, printed and downloaded.

use std::fmt::Write as _;

use jiguan_domain::org::{Body, BodyId, BodyKind, Structure};

/// Box width and height, gaps (SVG user units = CSS pixels).
const W: i64 = 150;
const H: i64 = 76;
const GAP_X: i64 = 14;
/// Between two rows of boxes (the bus line runs in it).
const GAP_Y: i64 = 40;
/// Between a host and the first body it hosts, and between hosted bodies.
const GAP_HOSTED: i64 = 10;
/// How far a hosted body is indented under its host.
const INDENT: i64 = 16;
/// Left of the rows: the trunk line from the unit that joins the rows' buses.
const GUTTER: i64 = 28;
const MARGIN: i64 = 16;
/// Most sibling boxes in one row.
pub const PER_ROW: usize = 6;

/// What the chart writes besides names: translated labels and optional people figures.
pub struct ChartText<'a> {
    /// The kind of a body, e.g. "中心".
    pub kind: &'a dyn Fn(BodyKind) -> String,
    /// "负责人" / "Head".
    pub head: &'a str,
    /// "在岗" / "Staff" (before the headcount on post).
    pub on_post: &'a str,
    /// "编制" / "Est." (before the establishment the body uses).
    pub est: &'a str,
    /// "牌子" / "nameplates" (before the count of nameplate records kept).
    pub plates: &'a str,
    /// Headcount of a body, once the people module knows it.
    pub headcount: &'a dyn Fn(BodyId) -> Option<i64>,
    /// Write width and height: the chart's natural size (a file, a page that scrolls it
    /// on a phone); without them the chart scales to its container.
    pub sized: bool,
}

impl<'a> ChartText<'a> {
    /// The Chinese labels (a body's kind by its Chinese label), for a file.
    pub fn zh(headcount: &'a dyn Fn(BodyId) -> Option<i64>) -> Self {
        ChartText {
            kind: &zh_kind,
            head: "负责人",
            on_post: "在岗",
            est: "编制",
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

fn kind_rank(k: BodyKind) -> usize {
    BodyKind::ALL.iter().position(|x| *x == k).unwrap_or(0)
}

fn kids(s: &Structure, parent: Option<BodyId>) -> Vec<&Body> {
    let mut v = s.children(parent);
    v.sort_by_key(|b| (kind_rank(b.kind), b.id));
    v
}

/// The top-level bodies in rows: one band per kind, at most [`PER_ROW`] to a row.
fn rows(s: &Structure) -> Vec<Vec<&Body>> {
    let mut out: Vec<Vec<&Body>> = Vec::new();
    for k in BodyKind::ALL {
        let of_kind: Vec<&Body> = kids(s, None).into_iter().filter(|b| b.kind == *k).collect();
        for chunk in of_kind.chunks(PER_ROW) {
            out.push(chunk.to_vec());
        }
    }
    out
}

/// Height of a body's box with everything it hosts under it (`budget` stops a cycle).
fn cell_height(s: &Structure, b: &Body, budget: usize) -> i64 {
    if budget == 0 {
        return H;
    }
    H + kids(s, Some(b.id))
        .iter()
        .map(|c| GAP_HOSTED + cell_height(s, c, budget - 1))
        .sum::<i64>()
}

struct Pen<'a, 't> {
    o: String,
    s: &'a Structure,
    t: &'a ChartText<'t>,
}

impl Pen<'_, '_> {
    fn line(&mut self, d: &str) {
        let _ = write!(
            self.o,
            r##"<path d="{d}" fill="none" stroke="#6b7280" stroke-width="1"/>"##
        );
    }

    /// A body's box at (x, y), `w` wide, then what it hosts under it, indented.
    fn body(&mut self, b: &Body, x: i64, y: i64, w: i64, budget: usize) {
        let fill = match b.kind {
            BodyKind::Office => "#e8f0fa",
            BodyKind::Institute => "#eef7ee",
            BodyKind::Centre => "#fff4e0",
            BodyKind::PublicInstitution => "#f3f4f6",
            BodyKind::EnterpriseUnit => "#fdecec",
        };
        let t = self.t;
        let cx = x + w / 2;
        let units = (w / 6).max(8) as usize;
        let _ = write!(
            self.o,
            r##"<g class="body" data-id="{}" data-kind="{}"><rect x="{x}" y="{y}" width="{w}" height="{H}" rx="4" fill="{fill}" stroke="#374151"/>"##,
            b.id,
            b.kind.code()
        );
        let mut lines: Vec<(String, &str)> = vec![(fit(&b.name, units - 4), "name")];
        let mut kind = (t.kind)(b.kind);
        if !b.records.is_empty() {
            let _ = write!(kind, " · {}{}", t.plates, b.records.len());
        }
        lines.push((fit(&kind, units), "kind"));
        if !b.head.is_empty() {
            lines.push((fit(&format!("{} {}", t.head, b.head), units), "head"));
        }
        let est = format!("{} {}", t.est, b.used_establishment());
        let figures = match (t.headcount)(b.id) {
            Some(n) => format!("{} {n} / {est}", t.on_post),
            None => est,
        };
        lines.push((fit(&figures, units), "figures"));
        let step = if lines.len() > 3 { 17 } else { 20 };
        let top = y + (H - step * (lines.len() as i64 - 1)) / 2 + 4;
        for (i, (text, class)) in lines.iter().enumerate() {
            let (attrs, size) = match *class {
                "name" => (r#" font-weight="bold""#, 13),
                "figures" => (r##" fill="#1f3a5f""##, 12),
                _ => (r##" fill="#4b5563""##, 11),
            };
            let _ = write!(
                self.o,
                r#"<text class="{class}" x="{cx}" y="{}" text-anchor="middle" font-size="{size}"{attrs}>{}</text>"#,
                top + step * i as i64,
                esc(text)
            );
        }
        self.o.push_str("</g>");
        if budget == 0 {
            return;
        }
        let hosted = kids(self.s, Some(b.id));
        if hosted.is_empty() {
            return;
        }
        let mut cy = y + H + GAP_HOSTED;
        let stem = x + INDENT / 2;
        let mut last_mid = y + H;
        self.o.push_str(r#"<g class="hosted">"#);
        for c in hosted {
            let mid = cy + H / 2;
            self.line(&format!("M{stem} {mid}H{}", x + INDENT));
            self.body(c, x + INDENT, cy, (w - INDENT).max(W / 2), budget - 1);
            last_mid = mid;
            cy += cell_height(self.s, c, budget - 1) + GAP_HOSTED;
        }
        self.o.push_str("</g>");
        self.line(&format!("M{stem} {}V{last_mid}", y + H));
    }
}

/// Draws one unit's chart. `title` is the unit's name with the date.
pub fn svg(s: &Structure, title: &str, t: &ChartText<'_>) -> String {
    let rows = rows(s);
    let budget = s.bodies.len() + 1;
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0).max(1) as i64;
    let left = MARGIN + GUTTER;
    let width = left + cols * (W + GAP_X) - GAP_X + MARGIN;
    let row_heights: Vec<i64> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|b| cell_height(s, b, budget))
                .max()
                .unwrap_or(H)
        })
        .collect();
    let height = MARGIN * 2 + H + row_heights.iter().map(|h| GAP_Y + h).sum::<i64>();
    let mut pen = Pen {
        o: String::with_capacity(1024 + s.bodies.len() * 700),
        s,
        t,
    };
    let _ = write!(
        pen.o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="org-chart" viewBox="0 0 {width} {height}"{} role="img" aria-label="{}" font-family="sans-serif" font-size="12">"#,
        if t.sized {
            format!(r#" width="{width}" height="{height}""#)
        } else {
            String::new()
        },
        esc(title)
    );
    let _ = write!(pen.o, "<title>{}</title>", esc(title));
    // The unit, top left, over the trunk.
    let ux = MARGIN;
    let ucx = ux + W / 2;
    let _ = write!(
        pen.o,
        r##"<g class="unit"><rect x="{ux}" y="{MARGIN}" width="{W}" height="{H}" rx="6" fill="#1f3a5f" stroke="#1f3a5f"/><text x="{ucx}" y="{}" text-anchor="middle" fill="#ffffff" font-size="14" font-weight="bold">{}</text></g>"##,
        MARGIN + H / 2 + 5,
        esc(&fit(title, 22))
    );
    let trunk = MARGIN + GUTTER / 2;
    let mut y = MARGIN + H + GAP_Y;
    let mut last_bus = None;
    for (row, h) in rows.iter().zip(&row_heights) {
        let bus = y - GAP_Y / 2;
        let kind = row.first().map(|b| b.kind.code()).unwrap_or("");
        let _ = write!(pen.o, r#"<g class="org-row" data-kind="{kind}">"#);
        let last_cx = left + (row.len() as i64 - 1) * (W + GAP_X) + W / 2;
        pen.line(&format!("M{trunk} {bus}H{last_cx}"));
        for (i, b) in row.iter().enumerate() {
            let x = left + i as i64 * (W + GAP_X);
            pen.line(&format!("M{} {bus}V{y}", x + W / 2));
            pen.body(b, x, y, W, budget);
        }
        pen.o.push_str("</g>");
        last_bus = Some(bus);
        y += h + GAP_Y;
    }
    if let Some(b) = last_bus {
        // The trunk from the unit down to the last row's bus.
        pen.line(&format!("M{trunk} {}V{b}", MARGIN + H));
    }
    pen.o.push_str("</svg>");
    pen.o
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

    /// The `y` of the box of body `id` in a chart.
    fn top_of(svg: &str, id: i64) -> Option<i64> {
        let at = svg.find(&format!("data-id=\"{id}\""))?;
        let rest = &svg[at..];
        let y = rest.split(" y=\"").nth(1)?.split('"').next()?;
        y.parse().ok()
    }

    fn x_of(svg: &str, id: i64) -> Option<i64> {
        let at = svg.find(&format!("data-id=\"{id}\""))?;
        let rest = &svg[at..];
        let x = rest.split(" x=\"").nth(1)?.split('"').next()?;
        x.parse().ok()
    }

    #[test]
    fn chart_is_a_deterministic_tree() {
        let mut centre = body(2, "社会事务服务中心", BodyKind::Centre, None);
        centre.head = "张伟".into();
        centre.establishment = 2;
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
        assert!(a.contains("负责人 张伟"));
        // Headcount on post and the establishment used (own 2 + nameplate 3).
        assert!(a.contains("在岗 12 / 编制 5"), "{a}");
        assert!(a.contains("中心 · 牌子1"));
        assert!(!a.contains("农机站"), "merged bodies are not drawn");
        assert_eq!(a.matches("class=\"body\"").count(), 3);
        // The hosted station sits under its host, indented, not in a row of its own.
        assert_eq!(a.matches("class=\"org-row\"").count(), 2);
        assert_eq!(a.matches("class=\"hosted\"").count(), 1);
        let (host_y, hosted_y) = (top_of(&a, 2), top_of(&a, 3));
        assert!(hosted_y > host_y.map(|y| y + H), "{host_y:?} {hosted_y:?}");
        assert_eq!(x_of(&a, 3), x_of(&a, 2).map(|x| x + INDENT));
    }

    #[test]
    fn siblings_sit_side_by_side_and_wrap_into_rows() {
        let mut s = Structure::default();
        for i in 0..3 {
            s.bodies
                .push(body(1 + i, &format!("办{i}"), BodyKind::Office, None));
        }
        for i in 0..12 {
            s.bodies.push(body(
                100 + i,
                &format!("站{i}"),
                BodyKind::PublicInstitution,
                None,
            ));
        }
        let hc = |_: BodyId| None;
        let m = svg(&s, "x", &ChartText::zh(&hc));
        // Offices in one row; twelve stations in two rows of six.
        assert_eq!(m.matches("class=\"org-row\"").count(), 3);
        assert_eq!(top_of(&m, 1), top_of(&m, 3));
        assert_eq!(top_of(&m, 100), top_of(&m, 105));
        assert!(top_of(&m, 106) > top_of(&m, 105));
        assert_eq!(x_of(&m, 106), x_of(&m, 100));
        assert!(x_of(&m, 101) > x_of(&m, 100));
        let (w, h) = size_of(&m);
        assert_eq!(w, MARGIN * 2 + GUTTER + 6 * (W + GAP_X) - GAP_X);
        assert!(h < 5 * (H + GAP_Y) + 2 * MARGIN, "{h}");
        // Without people figures a box still shows its establishment.
        assert!(m.contains("编制 0") && !m.contains("在岗"));
        let d = district_svg(
            &[("A".into(), s.clone()), ("B".into(), s)],
            &ChartText::zh(&hc),
        );
        assert_eq!(d.matches("class=\"org-chart\"").count(), 2);
    }
}
