//! A scoring period (P5.2): a month or a calendar year, with the periods a report
//! compares it with.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A scoring period (P5.2: monthly for the bonus, annual for promotion and pay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Period {
    /// One month.
    Month {
        /// Year.
        year: i32,
        /// Month, 1-12.
        month: u32,
    },
    /// One calendar year.
    Year(i32),
}

impl Period {
    /// A month of `year` (1-12), or the whole year when `month` is `None`: how the
    /// bindings name a period. The year and month are checked (see [`crate::input`]).
    pub fn of(year: i128, month: Option<i128>) -> Result<Period, crate::error::InvalidInput> {
        let year = crate::input::year("year", year)?;
        Ok(match month {
            Some(month) => Period::Month {
                year,
                month: crate::input::month("month", month)?,
            },
            None => Period::Year(year),
        })
    }

    /// First day.
    pub fn first(&self) -> NaiveDate {
        match *self {
            Period::Month { year, month } => {
                NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
            }
            Period::Year(year) => NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN),
        }
    }

    /// Last day.
    pub fn last(&self) -> NaiveDate {
        match *self {
            Period::Month { year, month } => {
                let next = if month == 12 {
                    NaiveDate::from_ymd_opt(year.saturating_add(1), 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(year, month.saturating_add(1), 1)
                };
                next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
            }
            Period::Year(year) => NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
        }
    }

    /// Whether `d` falls in the period.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first() <= d && d <= self.last()
    }

    /// The period just before: the previous month, or the previous year.
    pub fn previous(&self) -> Period {
        match *self {
            // Years are checked to 1900-9999 (`Period::of`): the year before exists.
            Period::Month { year, month: 1 } => Period::Month {
                year: year.saturating_sub(1),
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month.saturating_sub(1),
            },
            Period::Year(year) => Period::Year(year.saturating_sub(1)),
        }
    }

    /// The same period a year earlier.
    pub fn a_year_earlier(&self) -> Period {
        match *self {
            Period::Month { year, month } => Period::Month {
                year: year.saturating_sub(1),
                month,
            },
            Period::Year(year) => Period::Year(year.saturating_sub(1)),
        }
    }

    /// Fails on a month outside 1-12.
    pub fn check(&self) -> Result<()> {
        if let Period::Month { month, .. } = self
            && !(1..=12).contains(month)
        {
            return Err(Error::invalid("month", format!("{month} is not a month")));
        }
        Ok(())
    }
}

impl std::fmt::Display for Period {
    /// `2026-11` for a month, `2026` for a year.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year}-{month:02}"),
            Period::Year(year) => write!(f, "{year}"),
        }
    }
}
