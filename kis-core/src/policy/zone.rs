//! The company's time zone, which decides what "today" is and when a deadline counted in
//! days falls: an IANA zone by name (`"Europe/Berlin"`, with its daylight-saving rules) or
//! a fixed offset from UTC (`"+08:00"`).

use chrono::{DateTime, Days, FixedOffset, LocalResult, NaiveDate, Offset as _, TimeZone, Utc};
use chrono_tz::Tz;

/// A time zone the policy names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanyZone {
    /// An IANA zone: offsets change with daylight saving.
    Named(Tz),
    /// A fixed offset from UTC all year.
    Fixed(FixedOffset),
}

impl CompanyZone {
    /// UTC, the zone of a policy that names none.
    pub fn utc() -> CompanyZone {
        CompanyZone::Fixed(Utc.fix())
    }

    /// The zone named `name` in the IANA database (`"America/New_York"`), if any.
    pub fn named(name: &str) -> Option<CompanyZone> {
        name.parse::<Tz>().ok().map(CompanyZone::Named)
    }

    /// A fixed offset written `"+08:00"` or `"-05:30"` (at most 14 hours), if valid.
    pub fn offset(text: &str) -> Option<CompanyZone> {
        parse_offset(text).map(CompanyZone::Fixed)
    }

    /// The business date of an instant in this zone.
    pub fn date_of(&self, at: DateTime<Utc>) -> NaiveDate {
        match self {
            CompanyZone::Named(tz) => at.with_timezone(tz).date_naive(),
            CompanyZone::Fixed(offset) => at.with_timezone(offset).date_naive(),
        }
    }

    /// The offset from UTC in force at an instant, in seconds east.
    pub fn seconds_east_at(&self, at: DateTime<Utc>) -> i32 {
        match self {
            CompanyZone::Named(tz) => at.with_timezone(tz).offset().fix().local_minus_utc(),
            CompanyZone::Fixed(offset) => offset.local_minus_utc(),
        }
    }

    /// `at` moved `days` calendar days on the company's wall clock: a deadline three days
    /// after 10:00 is 10:00 three days later, even across a change to or from summer
    /// time (when 24-hour days would land an hour off). A wall-clock time that the change
    /// skips is taken an hour later; one that it repeats, at its first occurrence.
    /// `None` past the dates chrono holds.
    pub fn days_later(&self, at: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
        match self {
            CompanyZone::Named(tz) => {
                let local = at.with_timezone(tz).naive_local();
                let moved = local.checked_add_days(Days::new(u64::from(days)))?;
                match tz.from_local_datetime(&moved) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                        Some(t.with_timezone(&Utc))
                    }
                    LocalResult::None => {
                        // In a gap (clocks moved forward): the same instant an hour on.
                        let later = moved.checked_add_signed(chrono::TimeDelta::hours(1))?;
                        tz.from_local_datetime(&later)
                            .earliest()
                            .map(|t| t.with_timezone(&Utc))
                    }
                }
            }
            CompanyZone::Fixed(_) => at.checked_add_days(Days::new(u64::from(days))),
        }
    }
}

impl CompanyZone {
    /// Whole days from `from` to `to` on the company's wall clock: the most `d` with
    /// [`days_later`](Self::days_later)`(from, d)` not after `to` (0 when `to` is not
    /// later). Across a change of summer time a day is 23 or 25 hours, as people count.
    pub fn whole_days_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        let reached = |d: i64| {
            u32::try_from(d)
                .ok()
                .and_then(|d| self.days_later(from, d))
                .is_some_and(|at| at <= to)
        };
        // 24-hour days are at most one off the wall clock's (a change is an hour or two).
        let mut d = to.signed_duration_since(from).num_days().max(0);
        if reached(d.saturating_add(1)) {
            d = d.saturating_add(1);
        }
        while d > 0 && !reached(d) {
            d = d.saturating_sub(1);
        }
        d
    }
}

impl std::fmt::Display for CompanyZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompanyZone::Named(tz) => write!(f, "{}", tz.name()),
            CompanyZone::Fixed(offset) => write!(f, "UTC{offset}"),
        }
    }
}

fn parse_offset(text: &str) -> Option<FixedOffset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, text.get(1..)?),
        b'-' => (-1, text.get(1..)?),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 {
        return None;
    }
    // |h| <= 14 and m <= 59 (checked above): the seconds are well inside i32.
    let seconds = h.checked_mul(3600)?.checked_add(m.checked_mul(60)?)?;
    FixedOffset::east_opt(i32::checked_mul(sign, seconds)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+08:00").unwrap().local_minus_utc(), 8 * 3600);
        assert_eq!(
            parse_offset("-05:30").unwrap().local_minus_utc(),
            -(5 * 3600 + 1800)
        );
        for bad in ["8", "+8:00", "+15:00", "08:00", "+08:60", "", "+", "-"] {
            assert!(parse_offset(bad).is_none(), "{bad}");
        }
    }

    /// "Today" follows summer time: 23:30 UTC on 30 March 2026 is already 31 March in
    /// Berlin (UTC+2 since the 29th), while a fixed +01:00 still says the 30th.
    #[test]
    fn today_follows_daylight_saving() {
        let berlin = CompanyZone::named("Europe/Berlin").unwrap();
        let winter = CompanyZone::offset("+01:00").unwrap();
        let at = utc("2026-03-30T22:30:00Z");
        assert_eq!(berlin.date_of(at).to_string(), "2026-03-31");
        assert_eq!(winter.date_of(at).to_string(), "2026-03-30");
        assert_eq!(berlin.seconds_east_at(at), 7200);
        assert_eq!(berlin.seconds_east_at(utc("2026-01-15T12:00:00Z")), 3600);
        assert!(CompanyZone::named("Mars/Olympus").is_none());
    }

    /// A review pending since Friday 10:00 has waited three days at Monday 10:00, not at
    /// 09:30, though 72.5 hours have passed when the clocks went back in between.
    #[test]
    fn whole_days_count_the_wall_clock() {
        let ny = CompanyZone::named("America/New_York").unwrap();
        let opened = utc("2026-10-30T14:00:00Z"); // Friday 10:00 EDT
        assert_eq!(
            ny.whole_days_between(opened, utc("2026-11-02T14:30:00Z")),
            2
        ); // 09:30 EST
        assert_eq!(
            ny.whole_days_between(opened, utc("2026-11-02T15:00:00Z")),
            3
        ); // 10:00 EST
        assert_eq!(ny.whole_days_between(opened, opened), 0);
        assert_eq!(
            ny.whole_days_between(opened, utc("2026-10-01T00:00:00Z")),
            0
        );
        // Spring: 71 hours are three days.
        let opened = utc("2026-03-06T15:00:00Z"); // Friday 10:00 EST
        assert_eq!(
            ny.whole_days_between(opened, utc("2026-03-09T14:00:00Z")),
            3
        );
        let fixed = CompanyZone::offset("+08:00").unwrap();
        assert_eq!(
            fixed.whole_days_between(opened, utc("2026-03-09T14:00:00Z")),
            2
        );
    }

    /// Three days after 10:00 on the Friday before the change is 10:00 on Monday, which
    /// is 71 hours later in New York (clocks moved forward on 8 March 2026).
    #[test]
    fn days_later_keeps_the_wall_clock() {
        let ny = CompanyZone::named("America/New_York").unwrap();
        let opened = utc("2026-03-06T15:00:00Z"); // 10:00 EST
        let due = ny.days_later(opened, 3).unwrap();
        assert_eq!(due, utc("2026-03-09T14:00:00Z")); // 10:00 EDT
        assert_eq!((due - opened).num_hours(), 71);
        // Back in November: 73 hours.
        let opened = utc("2026-10-30T14:00:00Z"); // 10:00 EDT
        assert_eq!(
            ny.days_later(opened, 3).unwrap(),
            utc("2026-11-02T15:00:00Z")
        );
        // Into the gap (02:30 does not exist on 8 March): an hour on, 03:30 EDT.
        let before = utc("2026-03-07T07:30:00Z"); // 02:30 EST on the 7th
        assert_eq!(
            ny.days_later(before, 1).unwrap(),
            utc("2026-03-08T07:30:00Z")
        );
        // A fixed offset counts 24-hour days.
        let fixed = CompanyZone::offset("+08:00").unwrap();
        assert_eq!(
            (fixed.days_later(opened, 3).unwrap() - opened).num_hours(),
            72
        );
    }
}
