//! KPI scoring (P5) and awards (P4.3): targets per rep, sales facts, new customers,
//! surveys and ratings, scored monthly and annually with every score's breakdown.

mod board;
pub(crate) mod calendar;
mod data;
mod period;
mod rep_hash;
mod score;
mod tally;
mod year;

pub(crate) use year::first_signings;

pub use board::{Award, RepScore, Scoreboard, TeamScore};
pub use data::{RateRep, Rating, RecordSurvey, SetTargets, Survey, SurveyChannel, Targets};
pub use period::Period;
pub use score::{
    CardFigures, Metric, MetricLine, Metrics, Scorecard, score, score_figures, scorecard,
};
pub use tally::{
    CardSink, Cell, SalesTally, TALLY_SCALE, YearInputs, YearScore, score_cards, score_rep,
    score_year, score_year_on,
};
