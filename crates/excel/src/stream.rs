//! A streaming xlsx reader for imports: the first worksheet is read event by event
//! (quick-xml) straight out of the zip, so memory holds the shared strings (capped in
//! number and in bytes, counted while they stream in and refused the moment a cap is
//! passed, or at once when the file declares more) and the cells handed on, never the
//! sheet's XML or a dense range.
//!
//! Every zip entry read is counted against [`Limits::max_inflated`] as it inflates, so a
//! zip bomb is refused whatever its headers claim, without a separate inflating pass.
//!
//! Cell values: shared and inline strings; numbers (dates when the cell's style has a
//! date format: ECMA-376 Part 1, §18.8.30 numFmt and §18.8.10 cellXfs; built-in date
//! formats 14–22, 27–36, 45–47, 50–58); booleans as 是/否; a formula cell gives the value
//! Excel cached (never evaluated). An error value (`t="e"`, such as a cached `#REF!`) is
//! refused with the cell's reference: it is an error, not a text.

use std::io::{BufRead, BufReader, Cursor, Read};

use jiguan_domain::FieldError;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::import::Limits;

fn err(code: &str) -> FieldError {
    FieldError::new("file", code)
}

fn unreadable<E>(_: E) -> FieldError {
    err("import_unreadable")
}

/// Shared strings held compactly: one text buffer and the end offset of each string.
#[derive(Default)]
struct SharedStrings {
    text: String,
    ends: Vec<u32>,
}

impl SharedStrings {
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 {
            0
        } else {
            *self.ends.get(i - 1)? as usize
        };
        self.text.get(start..end)
    }
}

/// Counts the bytes inflated out of the zip, refusing past the budget.
struct Counted<'a, R> {
    inner: R,
    left: &'a mut u64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > *self.left {
            return Err(std::io::Error::other("zip bomb"));
        }
        *self.left -= n as u64;
        Ok(n)
    }
}

type Zip<'b> = zip::ZipArchive<Cursor<&'b [u8]>>;

/// Reads a whole (small) entry, or `None` if it is absent.
fn entry_xml(zip: &mut Zip<'_>, name: &str, left: &mut u64) -> Result<Option<String>, FieldError> {
    let Ok(f) = zip.by_name(name) else {
        return Ok(None);
    };
    let mut s = String::new();
    let r = Counted { inner: f, left }.read_to_string(&mut s);
    match r {
        Ok(_) => Ok(Some(s)),
        Err(e) if e.to_string().contains("zip bomb") => Err(err("import_zip_bomb")),
        Err(_) => Err(err("import_unreadable")),
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| {
            quick_xml::escape::unescape(&a.value)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
}

/// Excel's `_xHHHH_` escapes of control characters (ECMA-376 Part 1, §22.9.2.19 ST_Xstring).
fn excel_unescape(s: &mut String) {
    if !s.contains("_x") {
        return;
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(at) = rest.find("_x") {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        let code = tail
            .get(2..6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| tail.as_bytes().get(6) == Some(&b'_'))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = tail.get(7..).unwrap_or("");
            }
            None => {
                out.push_str("_x");
                rest = tail.get(2..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    *s = out;
}

/// Reads the text inside an element: the XML reader, a scratch buffer for its events and
/// the longest text allowed (bytes; the refusal names `max / 4` characters).
struct TextReader<'x, R> {
    xml: &'x mut Reader<R>,
    buf: &'x mut Vec<u8>,
    max: usize,
}

impl<R: BufRead> TextReader<'_, R> {
    /// The next event (the buffer is cleared first).
    fn next(&mut self) -> Result<Event<'_>, FieldError> {
        self.buf.clear();
        self.xml.read_event_into(self.buf).map_err(unreadable)
    }

    /// Refuses `out` once it is longer than allowed.
    fn within(&self, out: &str) -> Result<(), FieldError> {
        if out.len() > self.max {
            return Err(err("import_text_too_long").with("max", self.max / 4));
        }
        Ok(())
    }

    /// Reads text events up to the end of the current element into `out` (entities
    /// resolved).
    fn text(&mut self, out: &mut String) -> Result<(), FieldError> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(t) => out.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    if let Some(s) = quick_xml::escape::resolve_xml_entity(&r) {
                        out.push_str(s);
                    } else if let Ok(Some(c)) = r.resolve_char_ref() {
                        out.push(c);
                    } else {
                        return Err(err("import_unreadable"));
                    }
                }
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Ok(()),
                Event::End(_) => depth -= 1,
                Event::Eof => return Err(err("import_unreadable")),
                _ => {}
            }
            self.within(out)?;
        }
    }

    /// Reads the text of an `<si>` or `<is>` element: its `<t>`, or the `<t>` of each rich
    /// run `<r>`; phonetic runs (`<rPh>`) are left out.
    fn rich(&mut self, out: &mut String) -> Result<(), FieldError> {
        let mut depth = 0usize;
        let mut phonetic = 0usize;
        loop {
            match self.next()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    "t" if phonetic == 0 => {
                        let mut t = String::new();
                        self.text(&mut t)?;
                        out.push_str(&t);
                        self.within(out)?;
                    }
                    "rPh" => {
                        phonetic += 1;
                        depth += 1;
                    }
                    _ => depth += 1,
                },
                Event::End(e) => {
                    if depth == 0 {
                        excel_unescape(out);
                        return Ok(());
                    }
                    depth -= 1;
                    if e.local_name().as_ref() == "rPh" {
                        phonetic = phonetic.saturating_sub(1);
                    }
                }
                Event::Eof => return Err(err("import_unreadable")),
                _ => {}
            }
        }
    }
}

fn too_many_strings(limits: &Limits) -> FieldError {
    err("import_too_many_strings").with("max", limits.max_shared_strings)
}

/// Streams the shared strings in, counting them and their bytes before each is kept.
fn shared_strings(
    zip: &mut Zip<'_>,
    path: &str,
    limits: &Limits,
    left: &mut u64,
) -> Result<SharedStrings, FieldError> {
    let mut sst = SharedStrings::default();
    let Ok(f) = zip.by_name(path) else {
        return Ok(sst);
    };
    // The declared counts are checked before anything is held.
    if f.size() > limits.max_inflated {
        return Err(err("import_zip_bomb"));
    }
    let mut xml = Reader::from_reader(BufReader::with_capacity(
        64 * 1024,
        Counted { inner: f, left },
    ));
    let mut buf = Vec::with_capacity(1024);
    let mut tbuf = Vec::with_capacity(256);
    let mut s = String::new();
    let max_cell = limits.max_cell_chars.saturating_mul(4);
    loop {
        buf.clear();
        let ev = xml.read_event_into(&mut buf).map_err(|e| {
            if e.to_string().contains("zip bomb") {
                err("import_zip_bomb")
            } else {
                err("import_unreadable")
            }
        })?;
        match ev {
            Event::Start(e) if e.local_name().as_ref() == "sst" => {
                for key in ["uniqueCount", "count"] {
                    let n = attr(&e, key).and_then(|v| v.trim().parse::<u64>().ok());
                    if key == "uniqueCount"
                        && n.is_some_and(|n| n > limits.max_shared_strings as u64)
                    {
                        return Err(too_many_strings(limits));
                    }
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                if sst.ends.len() >= limits.max_shared_strings {
                    return Err(too_many_strings(limits));
                }
                s.clear();
                TextReader {
                    xml: &mut xml,
                    buf: &mut tbuf,
                    max: max_cell,
                }
                .rich(&mut s)?;
                if sst.text.len() + s.len() > limits.max_shared_bytes {
                    return Err(err("import_strings_too_large")
                        .with("max_mb", limits.max_shared_bytes / (1024 * 1024)));
                }
                sst.text.push_str(&s);
                sst.ends.push(sst.text.len() as u32);
            }
            Event::Empty(e) if e.local_name().as_ref() == "si" => {
                if sst.ends.len() >= limits.max_shared_strings {
                    return Err(too_many_strings(limits));
                }
                sst.ends.push(sst.text.len() as u32);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(sst)
}

/// Which cell styles (`s` index) format numbers as dates.
fn date_styles(xml: &str) -> Vec<bool> {
    let mut custom: Vec<(String, bool)> = Vec::new();
    let mut out = Vec::new();
    let mut r = Reader::from_str(xml);
    let mut in_xfs = false;
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "numFmt" => {
                    if let (Some(id), Some(code)) = (attr(&e, "numFmtId"), attr(&e, "formatCode")) {
                        custom.push((id, is_date_format(&code)));
                    }
                }
                "cellXfs" => in_xfs = true,
                "xf" if in_xfs => {
                    let id = attr(&e, "numFmtId").unwrap_or_default();
                    let date = custom
                        .iter()
                        .find(|(i, _)| *i == id)
                        .map(|(_, d)| *d)
                        .unwrap_or_else(|| builtin_date(&id));
                    out.push(date);
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "cellXfs" => in_xfs = false,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

fn builtin_date(id: &str) -> bool {
    id.parse::<u32>()
        .is_ok_and(|n| matches!(n, 14..=22 | 27..=36 | 45..=47 | 50..=58))
}

/// A custom number format is a date when its first section has a date or time token
/// outside quotes, brackets and escapes.
fn is_date_format(code: &str) -> bool {
    let (mut quoted, mut escaped, mut bracket) = (false, false, 0u32);
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => escaped = true,
            '[' => bracket += 1,
            ']' => bracket = bracket.saturating_sub(1),
            ';' => return false,
            'd' | 'm' | 'y' | 'h' | 's' | 'D' | 'M' | 'Y' | 'H' | 'S' if bracket == 0 => {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// The path of the first worksheet, and whether the workbook counts dates from 1904.
fn first_sheet(zip: &mut Zip<'_>, left: &mut u64) -> Result<(String, bool), FieldError> {
    let wb = entry_xml(zip, "xl/workbook.xml", left)?.ok_or_else(|| err("import_unreadable"))?;
    let (mut rid, mut d1904) = (None, false);
    let mut r = Reader::from_str(&wb);
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "workbookPr" => {
                    d1904 = attr(&e, "date1904").is_some_and(|v| v == "1" || v == "true")
                }
                "sheet" if rid.is_none() => rid = attr(&e, "id"),
                _ => {}
            },
            Ok(Event::Eof) => break,
            Err(_) => return Err(err("import_unreadable")),
            _ => {}
        }
    }
    let rid = rid.ok_or_else(|| err("import_empty"))?;
    let rels = entry_xml(zip, "xl/_rels/workbook.xml.rels", left)?
        .ok_or_else(|| err("import_unreadable"))?;
    let mut r = Reader::from_str(&rels);
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e))
                if e.local_name().as_ref() == "Relationship"
                    && attr(&e, "Id").as_deref() == Some(rid.as_str()) =>
            {
                let target = attr(&e, "Target").ok_or_else(|| err("import_unreadable"))?;
                let path = match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{target}"),
                };
                return Ok((path, d1904));
            }
            Ok(Event::Eof) => break,
            Err(_) => return Err(err("import_unreadable")),
            _ => {}
        }
    }
    Err(err("import_unreadable"))
}

/// A1-style reference of a cell (0-based row and column).
pub fn cell_ref(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), row + 1)
}

/// Parses `AB12` into (row, col), 0-based.
fn parse_ref(r: &str) -> Option<(usize, usize)> {
    let bytes = r.as_bytes();
    let split = bytes.iter().position(|b| b.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    let mut col = 0usize;
    for b in letters.bytes() {
        let b = b.to_ascii_uppercase();
        if !b.is_ascii_uppercase() {
            return None;
        }
        col = col.checked_mul(26)?.checked_add((b - b'A' + 1) as usize)?;
    }
    let row: usize = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e17 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn date_text(serial: f64, d1904: bool) -> Option<String> {
    if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    let epoch = if d1904 {
        chrono::NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else {
        chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    let days = serial.trunc() as i64;
    let secs = ((serial - serial.trunc()) * 86_400.0).round() as i64;
    let dt = epoch.and_hms_opt(0, 0, 0)?
        + chrono::Duration::days(days)
        + chrono::Duration::seconds(secs);
    Some(if dt.time() == chrono::NaiveTime::MIN {
        dt.date().format("%Y-%m-%d").to_string()
    } else {
        dt.format("%Y-%m-%d %H:%M:%S").to_string()
    })
}

/// Streams the cells of the first worksheet to `put(row, col, text)` (1-based row,
/// 0-based column), in file order.
pub(crate) fn read_cells(
    bytes: &[u8],
    limits: &Limits,
    mut put: impl FnMut(usize, usize, String) -> Result<(), FieldError>,
) -> Result<(), FieldError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if zip.len() > limits.max_entries {
        return Err(err("import_zip_bomb"));
    }
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(unreadable)?;
        declared = declared.saturating_add(f.size());
    }
    if declared > limits.max_inflated.saturating_mul(4) {
        return Err(err("import_zip_bomb"));
    }
    let mut left = limits.max_inflated;
    let (sheet, d1904) = first_sheet(&mut zip, &mut left)?;
    let styles = entry_xml(&mut zip, "xl/styles.xml", &mut left)?
        .map(|s| date_styles(&s))
        .unwrap_or_default();
    let sst = shared_strings(&mut zip, "xl/sharedStrings.xml", limits, &mut left)?;
    let f = zip.by_name(&sheet).map_err(unreadable)?;
    let mut xml = Reader::from_reader(BufReader::with_capacity(
        64 * 1024,
        Counted {
            inner: f,
            left: &mut left,
        },
    ));
    let map_xml = |e: quick_xml::Error| {
        if e.to_string().contains("zip bomb") {
            err("import_zip_bomb")
        } else {
            err("import_unreadable")
        }
    };
    let max_cell = limits.max_cell_chars.saturating_mul(4);
    let mut buf = Vec::with_capacity(4096);
    let mut tbuf = Vec::with_capacity(256);
    let (mut row, mut col): (usize, Option<usize>) = (0, None);
    let mut row_seen = false;
    let mut v = String::new();
    // Cells beyond the limits are refused as soon as they are met; a bounded number of
    // cells is read (rows × columns), so a sheet of empty cells cannot spin forever.
    let max_cells = (limits.max_rows as u64 + 2).saturating_mul(limits.max_cols as u64);
    let mut seen: u64 = 0;
    loop {
        buf.clear();
        let ev = xml.read_event_into(&mut buf).map_err(map_xml)?;
        let (e, empty) = match ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::Eof => break,
            _ => continue,
        };
        match e.local_name().as_ref() {
            "row" => {
                row = match attr(&e, "r").and_then(|r| r.parse::<usize>().ok()) {
                    Some(r) if r >= 1 => r - 1,
                    _ if row_seen => row + 1,
                    _ => 0,
                };
                row_seen = true;
                col = None;
            }
            "c" => {
                seen += 1;
                if seen > max_cells {
                    return Err(err("import_too_many_rows").with("max", limits.max_rows));
                }
                let (mut r, mut c) = (row, col.map_or(0, |c| c + 1));
                let (mut kind, mut style) = (String::new(), None::<usize>);
                for a in e.attributes().flatten() {
                    match a.key.local_name().as_ref() {
                        "r" => {
                            if let Some((rr, cc)) = parse_ref(&a.value) {
                                (r, c) = (rr, cc);
                            }
                        }
                        "t" => kind = a.value.to_string(),
                        "s" => style = a.value.parse().ok(),
                        _ => {}
                    }
                }
                row = r;
                col = Some(c);
                if empty {
                    continue;
                }
                v.clear();
                let mut has_value = false;
                let mut depth = 0usize;
                loop {
                    tbuf.clear();
                    match xml.read_event_into(&mut tbuf).map_err(map_xml)? {
                        Event::Start(x) => match x.local_name().as_ref() {
                            name @ ("v" | "is") => {
                                let rich = name == "is";
                                let mut b2 = Vec::new();
                                let mut t = TextReader {
                                    xml: &mut xml,
                                    buf: &mut b2,
                                    max: max_cell,
                                };
                                if rich {
                                    t.rich(&mut v)?
                                } else {
                                    t.text(&mut v)?
                                }
                                has_value = true;
                            }
                            _ => depth += 1,
                        },
                        Event::End(_) if depth == 0 => break,
                        Event::End(_) => depth -= 1,
                        Event::Eof => return Err(err("import_unreadable")),
                        _ => {}
                    }
                }
                if !has_value {
                    continue;
                }
                let text = match kind.as_str() {
                    "s" => {
                        let i: usize = v.trim().parse().map_err(unreadable)?;
                        sst.get(i)
                            .ok_or_else(|| err("import_unreadable"))?
                            .to_string()
                    }
                    "e" => {
                        return Err(err("import_cell_error")
                            .with("cell", cell_ref(r, c))
                            .with("value", v.trim().to_string()));
                    }
                    "b" => if v.trim() == "1" { "是" } else { "否" }.to_string(),
                    "str" | "inlineStr" | "d" => std::mem::take(&mut v),
                    _ => {
                        let num: f64 = match v.trim().parse() {
                            Ok(n) => n,
                            Err(_) => return Err(err("import_unreadable")),
                        };
                        let is_date = style.and_then(|s| styles.get(s)).copied().unwrap_or(false);
                        if is_date {
                            date_text(num, d1904).unwrap_or_else(|| number_text(num))
                        } else {
                            number_text(num)
                        }
                    }
                };
                put(r + 1, c, text)?;
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn references() {
        assert_eq!(parse_ref("A1"), Some((0, 0)));
        assert_eq!(parse_ref("AB12"), Some((11, 27)));
        assert_eq!(parse_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_ref("1A"), None);
        assert_eq!(cell_ref(11, 27), "AB12");
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(4, 2), "C5");
    }

    #[test]
    fn date_formats() {
        assert!(is_date_format("yyyy-mm-dd"));
        assert!(is_date_format("yyyy\"年\"m\"月\"d\"日\""));
        assert!(!is_date_format("0.00"));
        assert!(!is_date_format("#,##0.00\"元\""));
        assert!(!is_date_format("[Red]0.00"));
        assert!(builtin_date("14") && !builtin_date("2"));
        assert_eq!(date_text(31118.0, false).as_deref(), Some("1985-03-12"));
    }

    #[test]
    fn excel_escapes() {
        let mut s = "a_x000D_b_x005F_c_xZZ".to_string();
        excel_unescape(&mut s);
        assert_eq!(s, "a\rb_c_xZZ");
    }
}
