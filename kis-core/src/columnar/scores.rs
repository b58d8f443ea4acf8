//! A year's scorecards as columns (#21): one row per rep and month (`month` null: the
//! annual card), each metric's actual, target and points, then the score, band and bonus
//! multiplier. Filled straight from the scoring of each card ([`CardSink`]), on every
//! scoring thread, so a table of 26,000 cards builds no card of words first; or from
//! [`YearScore`]s (the store's year), through the same row layout.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Int32Builder, StringBuilder, UInt8Builder};
use arrow_array::{Array, ArrayRef, Decimal128Array, RecordBatch, StringArray};
use arrow_buffer::NullBuffer;
use arrow_schema::{Field, Schema};
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::kpi::{CardFigures, CardSink, Metric, Metrics, YearScore};

/// A decimal128(38, s) column being filled, `s` the largest scale of its values (at
/// least the column's minimum), so that no value is rounded on the way out.
#[derive(Debug, Default)]
struct DecimalColumn {
    scale: u32,
    mantissas: Vec<i128>,
    valid: Vec<bool>,
}

/// The powers of ten an i128 holds, 10^0..=10^38.
const POW10: [i128; 39] = {
    let mut p = [1i128; 39];
    let mut i = 1;
    // Evaluated at compile time: an overflow would fail the build, not a call.
    #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    while i < 39 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// The mantissa of `d` at `scale` (at least its own), or `None` past 38 digits.
pub(crate) fn mantissa_at(d: Decimal, scale: u32) -> Option<i128> {
    let up = usize::try_from(scale.checked_sub(d.scale())?).ok()?;
    if up == 0 {
        return Some(d.mantissa());
    }
    d.mantissa().checked_mul(*POW10.get(up)?)
}

impl DecimalColumn {
    fn new(min_scale: u32, rows: usize) -> Self {
        DecimalColumn {
            scale: min_scale,
            mantissas: Vec::with_capacity(rows),
            valid: Vec::with_capacity(rows),
        }
    }

    /// Raises the column's scale to `scale`, the values so far with it.
    fn rescale(&mut self, scale: u32, name: &str) -> Result<()> {
        if scale <= self.scale {
            return Ok(());
        }
        let f = usize::try_from(scale.saturating_sub(self.scale))
            .ok()
            .and_then(|up| POW10.get(up).copied())
            .ok_or_else(|| too_wide(name))?;
        for m in &mut self.mantissas {
            *m = m.checked_mul(f).ok_or_else(|| too_wide(name))?;
        }
        self.scale = scale;
        Ok(())
    }

    fn push(&mut self, value: Option<Decimal>, name: &str) -> Result<()> {
        let Some(d) = value else {
            self.mantissas.push(0);
            self.valid.push(false);
            return Ok(());
        };
        if d.scale() > self.scale {
            self.rescale(d.scale(), name)?;
        }
        self.mantissas
            .push(mantissa_at(d, self.scale).ok_or_else(|| too_wide(name))?);
        self.valid.push(true);
        Ok(())
    }

    fn append(&mut self, mut other: DecimalColumn, name: &str) -> Result<()> {
        self.rescale(other.scale, name)?;
        other.rescale(self.scale, name)?;
        self.mantissas.append(&mut other.mantissas);
        self.valid.append(&mut other.valid);
        Ok(())
    }

    /// The columns of `parts` one after the other, in one allocation.
    fn concat(parts: Vec<DecimalColumn>, name: &str) -> Result<DecimalColumn> {
        let rows = parts.iter().map(|p| p.mantissas.len()).sum();
        let scale = parts.iter().map(|p| p.scale).max().unwrap_or(0);
        let mut all = DecimalColumn::new(scale, rows);
        for part in parts {
            all.append(part, name)?;
        }
        Ok(all)
    }

    fn finish(self, name: &str) -> Result<(Field, ArrayRef)> {
        let nullable = self.valid.contains(&false);
        let nulls = nullable.then(|| NullBuffer::from(self.valid));
        let array = Decimal128Array::new(self.mantissas.into(), nulls)
            .with_precision_and_scale(38, i8::try_from(self.scale).unwrap_or(i8::MAX))
            .map_err(|e| Error::invalid(name, e.to_string()))?;
        Ok((
            Field::new(name, array.data_type().clone(), nullable),
            Arc::new(array),
        ))
    }
}

/// A value of column `name` that no decimal128(38) column holds at its scale.
pub(crate) fn too_wide(name: &str) -> Error {
    Error::invalid(
        name,
        "a value does not fit 38 digits at the column's scale".to_string(),
    )
}

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
        let rows = parts.iter().map(|p| p.score.mantissas.len()).sum();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_column_takes_the_largest_scale_of_its_values() {
        let mut c = DecimalColumn::new(2, 0);
        c.push(Some(d("12.5")), "x").unwrap();
        c.push(None, "x").unwrap();
        c.push(Some(d("0.125")), "x").unwrap();
        let mut more = DecimalColumn::new(2, 0);
        more.push(Some(d("-7")), "x").unwrap();
        c.append(more, "x").unwrap();
        let (field, array) = c.finish("x").unwrap();
        assert!(field.is_nullable());
        let a = array.as_any().downcast_ref::<Decimal128Array>().unwrap();
        assert_eq!(a.scale(), 3);
        assert_eq!(a.value(0), 12_500);
        assert!(a.is_null(1));
        assert_eq!(a.value(2), 125);
        assert_eq!(a.value(3), -7_000);
    }

    #[test]
    fn a_value_past_38_digits_at_the_scale_is_an_error_not_a_rounding() {
        let mut c = DecimalColumn::new(0, 0);
        c.push(Some(Decimal::MAX), "x").unwrap();
        let err = c.push(Some(d("0.0000000001")), "x").unwrap_err();
        assert!(err.to_string().contains("38 digits"), "{err}");
    }
}
