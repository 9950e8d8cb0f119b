//! Time: timestamps are stored in UTC and shown in the deployment's time zone — one
//! setting (`time_zone`, default `Asia/Shanghai`: China Standard Time, UTC+8, no DST) used
//! by every page, export, notice and "today" the system works out.

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};

use crate::error::FieldError;

/// The default time zone setting.
pub const DEFAULT_ZONE: &str = "Asia/Shanghai";

static ZONE: OnceLock<FixedOffset> = OnceLock::new();

fn beijing() -> FixedOffset {
    // 8 hours is always within range, so `east_opt` cannot fail; fall back to UTC anyway.
    FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix())
}

/// The deployment's time zone: China Standard Time (北京时间) unless `time_zone` says
/// otherwise (see [`set_zone`]).
pub fn china() -> FixedOffset {
    ZONE.get().copied().unwrap_or_else(beijing)
}

/// Reads a `time_zone` setting: `Asia/Shanghai` (the default, also written `PRC`,
/// `Asia/Chongqing`, `Asia/Harbin` or `Asia/Hong_Kong`, all UTC+8 without DST), `UTC`, or
/// a fixed offset such as `+08:00`. Zones with daylight saving time are refused: a
/// Chinese deployment never needs one, and a fixed offset keeps every date exact.
pub fn parse_zone(s: &str) -> Result<FixedOffset, FieldError> {
    let bad = || FieldError::new("time_zone", "time_zone_invalid");
    let t = s.trim();
    match t {
        "Asia/Shanghai" | "PRC" | "Asia/Chongqing" | "Asia/Harbin" | "Asia/Hong_Kong"
        | "Asia/Macau" | "Asia/Taipei" => return Ok(beijing()),
        "UTC" | "Etc/UTC" | "Z" => return Ok(Utc.fix()),
        _ => {}
    }
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let num = |x: &str| -> Result<i32, FieldError> {
        if x.len() != 2 || !x.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        x.parse().map_err(|_| bad())
    };
    let (h, m) = (num(h)?, num(m)?);
    if h > 14 || m > 59 {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

/// Sets the time zone once, at start-up, before anything is shown. A second call with
/// another zone is refused (`false`): one process, one zone.
pub fn set_zone(zone: FixedOffset) -> bool {
    *ZONE.get_or_init(|| zone) == zone
}

/// Formats a UTC timestamp in China time as `YYYY-MM-DD HH:MM:SS`.
pub fn show_china(ts: DateTime<Utc>) -> String {
    ts.with_timezone(&china())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A timestamp truncated to whole milliseconds, so that it survives every backend unchanged.
pub fn truncate_ms(ts: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ts.timestamp_millis())
        .single()
        .unwrap_or(ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zone_setting_reads_names_and_offsets() {
        assert_eq!(parse_zone("Asia/Shanghai"), Ok(beijing()));
        assert_eq!(parse_zone(" PRC "), Ok(beijing()));
        assert_eq!(parse_zone("UTC"), Ok(Utc.fix()));
        assert_eq!(
            parse_zone("+05:30").map(|z| z.local_minus_utc()),
            Ok(5 * 3600 + 30 * 60)
        );
        assert_eq!(
            parse_zone("-03:00").map(|z| z.local_minus_utc()),
            Ok(-3 * 3600)
        );
        for bad in [
            "",
            "Europe/Berlin",
            "+8",
            "+08",
            "+15:00",
            "08:00",
            "+08:60",
            "+0a:00",
        ] {
            let r = parse_zone(bad);
            assert!(
                matches!(&r, Err(e) if e.field == "time_zone" && e.code == "time_zone_invalid"),
                "{bad}: {r:?}"
            );
        }
    }

    #[test]
    fn shown_in_china_time() {
        let ts = Utc.with_ymd_and_hms(2026, 11, 27, 23, 30, 0).single();
        assert_eq!(ts.map(show_china), Some("2026-11-28 07:30:00".to_string()));
    }
}
