//! The report's pictures, drawn as SVG on the server (no JavaScript library): bars of two
//! figures per unit, the headcount waterfall (start → cut by route → end) and the cost
//! before and after. Colours come from classes in app.css (the CSP allows no inline style).

use jiguan_app::org::chart::esc;

const W: i64 = 640;

fn scale(v: i64, max: i64, span: i64) -> i64 {
    if max <= 0 {
        0
    } else {
        (v.max(0) * span + max / 2) / max
    }
}

/// The opening `<svg>` of a chart (class `chart {class}`, `w` × `h`) with its title.
fn svg_head(class: &str, id: &str, (w, h): (i64, i64), title: &str) -> String {
    let t = esc(title);
    format!(
        "<svg class=\"chart {class}\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <text x=\"0\" y=\"14\" class=\"title\">{t}</text>"
    )
}

/// The horizontal axis at `y`, `w` long.
fn axis(y: i64, w: i64) -> String {
    format!("<line class=\"axis\" x1=\"0\" y1=\"{y}\" x2=\"{w}\" y2=\"{y}\"></line>")
}

/// Two bars per row (before, after), one row per unit: `rows` = (name, before, after).
pub fn pair_bars(
    id: &str,
    title: &str,
    legend: (&str, &str),
    rows: &[(String, i64, i64)],
) -> String {
    let label_w = 130;
    let span = W - label_w - 60;
    let row_h = 26;
    let top = 34;
    let h = top + row_h * rows.len() as i64 + 8;
    let max = rows.iter().map(|r| r.1.max(r.2)).max().unwrap_or(0);
    let mut s = format!(
        "<svg class=\"chart report-bars\" id=\"{id}\" viewBox=\"0 0 {W} {h}\" role=\"img\" aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <text x=\"0\" y=\"14\" class=\"title\">{t}</text>\
         <rect class=\"rb-before\" x=\"{label_w}\" y=\"20\" width=\"10\" height=\"8\"></rect><text x=\"{lx1}\" y=\"28\" class=\"small\">{b}</text>\
         <rect class=\"rb-after\" x=\"{lx2}\" y=\"20\" width=\"10\" height=\"8\"></rect><text x=\"{lx3}\" y=\"28\" class=\"small\">{a}</text>",
        t = esc(title),
        b = esc(legend.0),
        a = esc(legend.1),
        lx1 = label_w + 14,
        lx2 = label_w + 90,
        lx3 = label_w + 104,
    );
    for (i, (name, before, after)) in rows.iter().enumerate() {
        let y = top + row_h * i as i64;
        let wb = scale(*before, max, span);
        let wa = scale(*after, max, span);
        s.push_str(&format!(
            "<text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\" class=\"small\">{n}</text>\
             <rect class=\"rb-before\" x=\"{label_w}\" y=\"{y}\" width=\"{wb}\" height=\"10\"></rect>\
             <text x=\"{bx}\" y=\"{by}\" class=\"small\">{before}</text>\
             <rect class=\"rb-after\" x=\"{label_w}\" y=\"{y2}\" width=\"{wa}\" height=\"10\"></rect>\
             <text x=\"{ax}\" y=\"{ay}\" class=\"small\">{after}</text>",
            tx = label_w - 6,
            ty = y + 15,
            n = esc(name),
            bx = label_w + wb + 4,
            by = y + 9,
            y2 = y + 11,
            ax = label_w + wa + 4,
            ay = y + 20,
        ));
    }
    s.push_str("</svg>");
    s
}

/// The headcount waterfall: the start bar, one falling bar per step (route), the pending
/// cuts, and the end bar. `steps` = (label, people); the end is `start − Σ steps` as
/// recorded (`end`), so hires and moves show as the difference the caption names.
pub fn waterfall(
    id: &str,
    title: &str,
    start: (&str, i64),
    steps: &[(String, i64)],
    end: (&str, i64),
) -> String {
    let n = steps.len() as i64 + 2;
    let col = ((W - 20) / n).min(110);
    let bar = col - 18;
    let top = 28;
    let base = 200;
    let span = base - top - 14;
    let max = start.1.max(end.1).max(1);
    let y_of = |v: i64| base - scale(v, max, span);
    let mut s = svg_head("report-waterfall", id, (W, base + 40), title) + &axis(base, W);
    let mut col_bar = |i: i64, class: &str, lo: i64, hi: i64, label: &str, value: String| {
        let x = 10 + i * col;
        let (y_top, y_bot) = (y_of(hi), y_of(lo));
        s.push_str(&format!(
            "<rect class=\"{class}\" x=\"{x}\" y=\"{y_top}\" width=\"{bar}\" height=\"{hgt}\"></rect>\
             <text x=\"{cx}\" y=\"{vy}\" text-anchor=\"middle\" class=\"small\">{value}</text>\
             <text x=\"{cx}\" y=\"{ly}\" text-anchor=\"middle\" class=\"small\">{label}</text>",
            hgt = (y_bot - y_top).max(1),
            cx = x + bar / 2,
            vy = (y_top - 3).max(top),
            ly = base + 16,
            label = esc(label),
            value = esc(&value),
        ));
    };
    col_bar(0, "wf-start", 0, start.1, start.0, start.1.to_string());
    let mut level = start.1;
    for (i, (label, v)) in steps.iter().enumerate() {
        let class = if i + 1 == steps.len() && label.contains('*') {
            "wf-pending"
        } else {
            "wf-cut"
        };
        col_bar(
            i as i64 + 1,
            class,
            level - v,
            level,
            label,
            format!("−{v}"),
        );
        level -= v;
    }
    col_bar(n - 1, "wf-end", 0, end.1, end.0, end.1.to_string());
    s.push_str("</svg>");
    s
}

/// Two columns (before, after) with their values, e.g. the personnel cost.
pub fn before_after(
    id: &str,
    title: &str,
    before: (&str, i64, String),
    after: (&str, i64, String),
) -> String {
    let base = 160;
    let span = 120;
    let max = before.1.max(after.1).max(1);
    let mut s = svg_head("report-trend", id, (320, base + 24), title) + &axis(base, 320);
    let mut tops = Vec::new();
    for (i, (label, v, text)) in [before, after].iter().enumerate() {
        let x = 40 + i as i64 * 150;
        let hgt = scale(*v, max, span).max(1);
        let y = base - hgt;
        tops.push((x + 40, y));
        s.push_str(&format!(
            "<rect class=\"{c}\" x=\"{x}\" y=\"{y}\" width=\"80\" height=\"{hgt}\"></rect>\
             <text x=\"{cx}\" y=\"{vy}\" text-anchor=\"middle\" class=\"small\">{text}</text>\
             <text x=\"{cx}\" y=\"{ly}\" text-anchor=\"middle\" class=\"small\">{label}</text>",
            c = if i == 0 { "rb-before" } else { "rb-after" },
            cx = x + 40,
            vy = y - 4,
            ly = base + 16,
            text = esc(text),
            label = esc(label),
        ));
    }
    if let [(x1, y1), (x2, y2)] = tops[..] {
        s.push_str(&format!(
            "<line class=\"trend\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"></line>"
        ));
    }
    s.push_str("</svg>");
    s
}

/// The width of `text` at the charts' small size (11 px): ~6.5 px for a digit or a Latin
/// letter, a full 11 px for a Chinese character. An estimate on the safe side, used to keep
/// labels apart.
fn text_w(text: &str) -> i64 {
    text.chars()
        .map(|c| if c.is_ascii() { 13 } else { 22 })
        .sum::<i64>()
        / 2
}

/// The cost trend: one bar per point (the "from" date, the year-ends between, the "to"
/// date) with a line through their tops; `points` = (date, value, value as shown). The
/// first bar is the "before" colour, the others the "after" colour.
///
/// Labels never overlap: when the dates are wider than a column they are turned 45°
/// (class `tl-date rot`), and a value is left out where it would touch its neighbour (the
/// last is always shown, the first unless it would touch the last) — each bar carries its
/// date and value as its `<title>` all the same, and the workbook and the JSON list every
/// point.
pub fn trend(id: &str, title: &str, points: &[(String, i64, String)]) -> String {
    let base = 170;
    let span = 120;
    let n = points.len().max(1) as i64;
    let col = ((W - 20) / n).clamp(28, 110);
    let bar = (col - 14).max(10);
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
    let date_w = points.iter().map(|p| text_w(&p.0)).max().unwrap_or(0);
    let rotate = date_w + 6 > col;
    // A turned label hangs down to the left of its bar: room for the first one.
    let x0 = if rotate {
        (date_w * 71 / 100 + 4 - bar / 2).max(10)
    } else {
        10
    };
    let w = (x0 + 10 + col * n).max(W);
    // Rotated by 45°, a label reaches down by its width ÷ √2.
    let below = if rotate { 12 + date_w * 71 / 100 } else { 22 };
    // Where each value would stand (x, anchor, left and right edge): above its bar, or
    // ending at the picture's edge; then every one that keeps 6 px from the one before it
    // and from the last, which is always shown (as the first is).
    let place = |i: usize, text: &str| {
        let x = x0 + i as i64 * col;
        let (cx, tw) = (x + bar / 2, text_w(text));
        if cx + tw / 2 > w {
            (x + bar, "end", x + bar - tw, x + bar)
        } else if cx - tw / 2 < 0 {
            (x, "start", x, x + tw)
        } else {
            (cx, "middle", cx - tw / 2, cx + tw / 2)
        }
    };
    let spots: Vec<_> = points
        .iter()
        .enumerate()
        .map(|(i, p)| place(i, &p.2))
        .collect();
    let mut shown = vec![false; spots.len()];
    if let Some(end) = spots.last() {
        let mut right = i64::MIN;
        for (i, sp) in spots.iter().enumerate() {
            let fits = i + 1 == spots.len() || (sp.2 >= right + 6 && sp.3 + 6 <= end.2);
            if fits {
                shown[i] = true;
                right = sp.3;
            }
        }
    }
    let mut s = svg_head("report-trend", id, (w, base + below + 8), title) + &axis(base, w);
    let mut tops = Vec::new();
    // The values are drawn last, over the bars and the line (a taller bar after a value
    // would hide its end), with a white halo (app.css).
    let mut values = String::new();
    for (i, (label, v, text)) in points.iter().enumerate() {
        let x = x0 + i as i64 * col;
        let hgt = scale(*v, max, span).max(1);
        let y = base - hgt;
        let cx = x + bar / 2;
        tops.push(format!("{cx},{y}"));
        s.push_str(&format!(
            "<rect class=\"{c}\" x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{hgt}\"><title>{l}: {v}</title></rect>",
            c = if i == 0 { "rb-before" } else { "rb-after" },
            l = esc(label),
            v = esc(text),
        ));
        if shown[i] {
            let (vx, anchor, _, _) = spots[i];
            values.push_str(&format!(
                "<text x=\"{vx}\" y=\"{vy}\" text-anchor=\"{anchor}\" class=\"small tl-value\">{text}</text>",
                vy = (y - 4).max(26),
                text = esc(text),
            ));
        }
        if rotate {
            let ly = base + 12;
            s.push_str(&format!(
                "<text x=\"{cx}\" y=\"{ly}\" text-anchor=\"end\" transform=\"rotate(-45 {cx} {ly})\" class=\"small tl-date rot\">{label}</text>",
                label = esc(label),
            ));
        } else {
            s.push_str(&format!(
                "<text x=\"{cx}\" y=\"{ly}\" text-anchor=\"middle\" class=\"small tl-date\">{label}</text>",
                ly = base + 16,
                label = esc(label),
            ));
        }
    }
    if tops.len() > 1 {
        s.push_str(&format!(
            "<polyline class=\"trend\" fill=\"none\" points=\"{}\"></polyline>",
            tops.join(" ")
        ));
    }
    s.push_str(&values);
    s.push_str("</svg>");
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn trend_draws_one_bar_per_point_and_a_line() {
        let s = trend(
            "t",
            "经费",
            &[
                ("2018-01-01".into(), 100, "1.00".into()),
                ("2018-12-31".into(), 50, "0.50".into()),
                ("2019-07-01".into(), 0, "0.00".into()),
            ],
        );
        assert_eq!(s.matches("<rect").count(), 3);
        assert!(s.contains("<polyline") && s.contains(">2018-12-31<"));
        // The highest value gets the full span (120), the lowest the 1-pixel floor.
        assert!(
            s.contains("height=\"120\"")
                && s.contains("height=\"60\"")
                && s.contains("height=\"1\"")
        );
        assert!(!s.contains("<script"));
    }

    /// The left and right edge of each text with `class` (from its anchor and its text).
    fn spans(s: &str, class: &str) -> Vec<(i64, i64)> {
        s.split("<text ")
            .filter(|t| t.contains(class))
            .map(|t| {
                let attr = |a: &str| {
                    t.split(&format!("{a}=\""))
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap()
                };
                let x: i64 = attr("x").parse().unwrap();
                let body = t.split('>').nth(1).unwrap().split('<').next().unwrap();
                let tw = text_w(body);
                match attr("text-anchor") {
                    "end" => (x - tw, x),
                    "start" => (x, x + tw),
                    _ => (x - tw / 2, x + tw / 2),
                }
            })
            .collect()
    }

    /// The whole number that follows the first `marker` in `s` (up to the next space).
    fn number_after(s: &str, marker: &str) -> i64 {
        s.split(marker)
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    #[test]
    fn a_crowded_trend_turns_its_dates_and_thins_its_values() {
        // 22 points (the "from" date, 20 year-ends, the "to" date): 28 px a column.
        let pts: Vec<(String, i64, String)> = (0..22)
            .map(|i| {
                (
                    format!("{}-12-31", 2000 + i),
                    1_000_000 + i * 10_000,
                    format!("{},000,000.00", 10 + i),
                )
            })
            .collect();
        let s = trend("t", "经费", &pts);
        // Every bar, with its date and value as its title.
        assert_eq!(s.matches("<rect").count(), 22);
        assert!(s.contains("<title>2005-12-31: 15,000,000.00</title>"));
        // Every date, turned.
        assert_eq!(s.matches("tl-date rot").count(), 22);
        assert!(s.contains("rotate(-45 "));
        // The values shown are apart by more than one value's width, the first and the last
        // among them; the others are left out.
        let v = spans(&s, "tl-value");
        assert!(v.len() >= 3 && v.len() < 22, "{v:?}");
        assert!(s.contains(">10,000,000.00<") && s.contains(">31,000,000.00<"));
        for pair in v.windows(2) {
            assert!(pair[1].0 >= pair[0].1 + 6, "{v:?}");
        }
        let w = number_after(&s, "viewBox=\"0 0 ");
        assert!(v[0].0 >= 0 && v[v.len() - 1].1 <= w, "{v:?} in {w}");
        // Nothing starts left of the picture: the first turned date (anchored at its end,
        // reaching its width ÷ √2 to the left) hangs inside it.
        let x = number_after(&s, "transform=\"rotate(-45 ");
        assert!(x * 100 >= text_w("2000-12-31") * 70, "{x}");
    }

    #[test]
    fn a_short_trend_keeps_its_labels_level() {
        let pts: Vec<(String, i64, String)> = (0..3)
            .map(|i| (format!("{}-12-31", 2020 + i), 100, "1.00".into()))
            .collect();
        let s = trend("t", "经费", &pts);
        assert!(!s.contains("rotate(") && s.matches("tl-value").count() == 3);
        let d = spans(&s, "tl-date");
        assert!(d[1].0 >= d[0].1 && d[2].0 >= d[1].1, "{d:?}");
    }

    #[test]
    fn waterfall_steps_fall_from_the_start() {
        let s = waterfall(
            "w",
            "人员",
            ("改革前", 100),
            &[("清退".into(), 20), ("待实施*".into(), 10)],
            ("改革后", 80),
        );
        assert!(s.contains("−20") && s.contains("wf-pending") && s.contains(">80<"));
        let b = pair_bars("b", "机构", ("前", "后"), &[("骆驼<街道>".into(), 21, 10)]);
        assert!(b.contains("骆驼&lt;街道&gt;"));
    }
}
