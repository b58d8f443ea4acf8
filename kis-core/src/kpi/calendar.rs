//! The days of one year by day number (days since 1970-01-01), each with its month: a
//! tally finds a fact's month with one subtraction and one lookup, not a date
//! computation per fact (#21). Both tallies use it, from the store and from tables.

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};

/// The days of `year` as offsets from 1970-01-01, and each day's month (0-11).
#[derive(Debug, Clone)]
pub(crate) struct YearCalendar {
    jan1: i32,
    month_of: Vec<u8>,
}

impl YearCalendar {
    /// The calendar of `year`, or an error for a year no date holds.
    pub(crate) fn new(year: i32) -> Result<YearCalendar> {
        let jan1 = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| Error::invalid("year", format!("{year} is out of range")))?;
        let mut month_of = Vec::with_capacity(366);
        let mut d = jan1;
        while d.year() == year {
            month_of.push(d.month0() as u8);
            d = d.succ_opt().unwrap_or(NaiveDate::MAX);
        }
        Ok(YearCalendar {
            jan1: crate::clock::day_number(jan1),
            month_of,
        })
    }

    /// The month (0-11) of day number `days`, or `None` outside the year.
    #[inline]
    pub(crate) fn month0(&self, days: i32) -> Option<usize> {
        let doy = days.wrapping_sub(self.jan1);
        self.month_of.get(doy as u32 as usize).map(|&m| m as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_day_of_a_leap_year_and_none_around_it() {
        let cal = YearCalendar::new(2028).unwrap();
        let day = |y, m, d| crate::clock::day_number(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(cal.month0(day(2028, 1, 1)), Some(0));
        assert_eq!(cal.month0(day(2028, 2, 29)), Some(1));
        assert_eq!(cal.month0(day(2028, 12, 31)), Some(11));
        assert_eq!(cal.month0(day(2027, 12, 31)), None);
        assert_eq!(cal.month0(day(2029, 1, 1)), None);
        assert_eq!(cal.month0(i32::MIN), None);
        assert!(YearCalendar::new(i32::MAX).is_err());
    }
}
