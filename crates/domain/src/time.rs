//! Time: timestamps are stored in UTC and shown in China Standard Time (UTC+8, no DST).

use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};

/// China Standard Time (北京时间), UTC+8 all year.
pub fn china() -> FixedOffset {
    // 8 hours is always within range, so `east_opt` cannot fail; fall back to UTC anyway.
    FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix())
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
    fn shown_in_china_time() {
        let ts = Utc.with_ymd_and_hms(2026, 11, 27, 23, 30, 0).single();
        assert_eq!(ts.map(show_china), Some("2026-11-28 07:30:00".to_string()));
    }
}
