//! A year's scorecards as columns (#21): one row per rep and month (`month` null: the
//! annual card), each metric's actual, target and points, then the score, band and bonus
//! multiplier. Filled straight from the scoring of each card ([`CardSink`]), on every
//! scoring thread, so a table of 26,000 cards builds no card of words first; or from
//! [`YearScore`]s (the store's year), through the same row layout.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Int32Builder, StringBuilder, UInt8Builder};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};
use rust_decimal::Decimal;

use super::decimal_column::DecimalColumn;
use crate::error::{Error, Result};
use crate::kpi::{CardFigures, CardSink, Metric, Metrics, YearScore};

/// The three columns of one metric: actual, target, points.
#[derive(Debug, Default)]
struct MetricColumns {
    actual: DecimalColumn,
    target: DecimalColumn,
    points: DecimalColumn,
}

/// The columns of a year's scorecards (see the module docs), filled row by row.
#[derive(Debug)]
pub struct ScoreColumns {
    year: i32,
    reps: StringBuilder,
    months: UInt8Builder,
    metrics: [MetricColumns; 5],
    score: DecimalColumn,
    bands: StringBuilder,
    bonus: DecimalColumn,
}

/// The metric's column names: `revenue`, `revenue_target`, `revenue_points`.
fn names(m: Metric) -> [String; 3] {
    let name = crate::wire_name(&m);
    [
        name.clone(),
        format!("{name}_target"),
        format!("{name}_points"),
    ]
}

impl ScoreColumns {
    /// Empty columns for about `rows` cards of `year`, money at `money_scale` at least.
    pub fn new(year: i32, money_scale: u32, rows: usize) -> Self {
        let metric = |m: Metric| {
            let scale = match m {
                Metric::Revenue | Metric::Profit => money_scale,
                _ => 0,
            };
            MetricColumns {
                actual: DecimalColumn::new(scale, rows),
                target: DecimalColumn::new(scale, rows),
                points: DecimalColumn::new(2, rows),
            }
        };
        ScoreColumns {
            year,
            reps: StringBuilder::with_capacity(rows, rows.saturating_mul(8)),
            months: UInt8Builder::with_capacity(rows),
            metrics: Metric::ALL.map(metric),
            score: DecimalColumn::new(2, rows),
            bands: StringBuilder::with_capacity(rows, rows),
            bonus: DecimalColumn::new(2, rows),
        }
    }

    /// One card's row.
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        rep: &str,
        month: Option<u32>,
        actuals: &Metrics,
        targets: &Metrics,
        points: [Decimal; 5],
        score: Decimal,
        band: &str,
        bonus: Decimal,
    ) -> Result<()> {
        self.reps.append_value(rep);
        self.months
            .append_option(month.and_then(|m| u8::try_from(m).ok()));
        for ((m, cols), p) in Metric::ALL.iter().zip(&mut self.metrics).zip(points) {
            cols.actual.push(actuals.get(*m), "actual")?;
            cols.target.push(targets.get(*m), "target")?;
            cols.points.push(Some(p), "points")?;
        }
        self.score.push(Some(score), "score")?;
        self.bands.append_value(band);
        self.bonus.push(Some(bonus), "bonus_multiplier")
    }

    /// A stored card's row (the store's year, already scored).
    pub fn push(&mut self, s: &YearScore) -> Result<()> {
        let points = Metric::ALL.map(|m| {
            s.card
                .lines
                .iter()
                .find(|l| l.metric == m)
                .map_or(Decimal::ZERO, |l| l.contribution)
        });
        self.row(
            &s.rep,
            s.month,
            &s.actuals,
            &s.targets,
            points,
            s.card.score,
            &s.card.band,
            s.card.bonus_multiplier,
        )
    }

    /// The rows of `parts` one after the other (the scoring threads' runs of reps in
    /// order), each column allocated once at its full length.
    pub fn concat(parts: Vec<ScoreColumns>) -> Result<ScoreColumns> {
        let rows = parts.iter().map(|p| p.score.len()).sum();
        let year = parts.first().map_or(0, |p| p.year);
        let mut reps = StringBuilder::with_capacity(rows, rows.saturating_mul(8));
        let mut bands = StringBuilder::with_capacity(rows, rows);
        let mut months = UInt8Builder::with_capacity(rows);
        let mut metrics: [Vec<MetricColumns>; 5] = Default::default();
        let (mut scores, mut bonuses) = (Vec::new(), Vec::new());
        for mut part in parts {
            let (r, b): (StringArray, StringArray) = (part.reps.finish(), part.bands.finish());
            for (rep, band) in r.iter().zip(b.iter()) {
                reps.append_option(rep);
                bands.append_option(band);
            }
            for m in part.months.finish().iter() {
                months.append_option(m);
            }
            for (all, cols) in metrics.iter_mut().zip(part.metrics) {
                all.push(cols);
            }
            scores.push(part.score);
            bonuses.push(part.bonus);
        }
        let mut metric_columns = Vec::with_capacity(5);
        for parts in metrics {
            let (mut actual, mut target, mut points) = (Vec::new(), Vec::new(), Vec::new());
            for p in parts {
                actual.push(p.actual);
                target.push(p.target);
                points.push(p.points);
            }
            metric_columns.push(MetricColumns {
                actual: DecimalColumn::concat(actual, "actual")?,
                target: DecimalColumn::concat(target, "target")?,
                points: DecimalColumn::concat(points, "points")?,
            });
        }
        Ok(ScoreColumns {
            year,
            reps,
            months,
            metrics: metric_columns
                .try_into()
                .map_err(|_| Error::invalid("batch", "five metrics expected"))?,
            score: DecimalColumn::concat(scores, "score")?,
            bands,
            bonus: DecimalColumn::concat(bonuses, "bonus_multiplier")?,
        })
    }

    /// The batch: rep, year, month, annual, each metric's actual, target and points,
    /// score, band, bonus_multiplier.
    pub fn finish(mut self) -> Result<RecordBatch> {
        let months = self.months.finish();
        let rows = months.len();
        let mut years = Int32Builder::with_capacity(rows);
        let mut annual = BooleanBuilder::with_capacity(rows);
        for m in months.iter() {
            years.append_value(self.year);
            annual.append_value(m.is_none());
        }
        let reps = self.reps.finish();
        let mut fields = vec![
            Field::new("rep", reps.data_type().clone(), reps.null_count() > 0),
            Field::new("year", arrow_schema::DataType::Int32, false),
            Field::new("month", arrow_schema::DataType::UInt8, true),
            Field::new("annual", arrow_schema::DataType::Boolean, false),
        ];
        let mut arrays: Vec<ArrayRef> = vec![
            Arc::new(reps),
            Arc::new(years.finish()),
            Arc::new(months),
            Arc::new(annual.finish()),
        ];
        let mut add = |(field, array): (Field, ArrayRef)| {
            fields.push(field);
            arrays.push(array);
        };
        for (m, cols) in Metric::ALL.iter().zip(self.metrics) {
            let [actual, target, points] = names(*m);
            add(cols.actual.finish(&actual)?);
            add(cols.target.finish(&target)?);
            add(cols.points.finish(&points)?);
        }
        add(self.score.finish("score")?);
        let bands = self.bands.finish();
        add((
            Field::new("band", bands.data_type().clone(), bands.null_count() > 0),
            Arc::new(bands),
        ));
        add(self.bonus.finish("bonus_multiplier")?);
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
            .map_err(|e| Error::invalid("batch", e.to_string()))
    }
}

impl CardSink for ScoreColumns {
    fn card(
        &mut self,
        _: usize,
        rep: &str,
        month: Option<u32>,
        actuals: &Metrics,
        targets: &Metrics,
        figures: &CardFigures<'_>,
    ) -> Result<()> {
        self.row(
            rep,
            month,
            actuals,
            targets,
            figures.contribution,
            figures.score,
            figures.band.map_or("", |b| b.band.as_str()),
            figures.bonus_multiplier(),
        )
    }
}

/// Scorecards of a year, one row per rep and month (see the module docs).
pub fn year_scores_batch(year: i32, scores: &[YearScore], money_scale: u32) -> Result<RecordBatch> {
    let mut c = ScoreColumns::new(year, money_scale, scores.len());
    for s in scores {
        c.push(s)?;
    }
    c.finish()
}
