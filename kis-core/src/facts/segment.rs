//! Fact segments: the stored form of sales facts. A segment holds up to
//! [`SEGMENT_CAPACITY`] facts of one month, sorted by id (date first), column by column
//! in one byte string, so that a reader takes a column without decoding the rest and the
//! KPI tally and the Arrow export read a million facts in a few dozen milliseconds
//! (JSON documents took over a second).
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! "KSF" 2              magic and format version
//! u32 n, u32 m         facts, credits
//! i32 × n              day numbers (days since 1970-01-01)
//! 6 text columns       id, order, contract, customer, product, currency:
//!                      u32 × n end offsets, then the UTF-8 bytes
//! 3 decimal columns    quantity, amount, cost: 16 bytes × n (rust_decimal's own form)
//! u32 × n              end of each fact's credits among the m credits
//! 1 text column × m    the credited reps
//! 1 decimal column × m their shares, in percent
//! u64                  xxh3-64 of every byte before it
//! ```
//!
//! The checksum is checked on every read, before anything else: a damaged segment (a
//! flipped bit on disk, a truncated write, an edit in the database) is a `Corrupt`
//! error naming the segment, never wrong facts. Format 1, without the checksum, is only
//! read by [`upgrade`], which the engine runs once when it opens an older store.

use std::ops::Range;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::fact::{Credit, SalesFact};
use crate::clock::{date_of_day, day_number};
use crate::document::corrupt;
use crate::error::Result;
use crate::ids::UserId;

/// The binary-document collection of fact segments.
pub const FACT_SEGMENTS: &str = "sales_fact_segments";

/// The most facts one segment holds; a fuller one is split. Small enough that adding a
/// delivery rewrites at most about a hundred kilobytes, large enough that a year's
/// facts are a few hundred segments.
pub const SEGMENT_CAPACITY: usize = 1024;

const MAGIC: &[u8; 4] = b"KSF\x02";
/// Format 1: the same columns without the trailing checksum (kis before 0.2).
const MAGIC_V1: &[u8; 4] = b"KSF\x01";
/// The trailing checksum's width.
const CHECKSUM_LEN: usize = 8;

/// The checksum of a segment's content (every byte before the checksum itself).
fn checksum(content: &[u8]) -> [u8; CHECKSUM_LEN] {
    xxhash_rust::xxh3::xxh3_64(content).to_le_bytes()
}

/// The text columns of a fact, in stored order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactText {
    /// The fact id.
    Id,
    /// The order.
    Order,
    /// The contract.
    Contract,
    /// The customer.
    Customer,
    /// The product.
    Product,
    /// The currency code.
    Currency,
}

/// The decimal columns of a fact, in stored order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactDecimal {
    /// Units delivered.
    Quantity,
    /// Revenue.
    Amount,
    /// Cost.
    Cost,
}

/// Encodes facts, sorted by id, as one segment.
pub fn encode_segment(facts: &[SalesFact]) -> Result<Vec<u8>> {
    let too_many = || corrupt("a fact segment holds at most 4 GiB".to_string());
    let n = u32::try_from(facts.len()).map_err(|_| too_many())?;
    let credits: usize = facts.iter().map(|f| f.credits.len()).sum();
    let m = u32::try_from(credits).map_err(|_| too_many())?;
    let mut out = Vec::with_capacity(facts.len().saturating_mul(120).saturating_add(24));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&m.to_le_bytes());
    for f in facts {
        out.extend_from_slice(&day_number(f.date).to_le_bytes());
    }
    let currencies: Vec<String> = facts.iter().map(|f| f.currency.to_string()).collect();
    let texts: [Vec<&str>; 6] = [
        facts.iter().map(|f| f.id.as_str()).collect(),
        facts.iter().map(|f| f.order.as_str()).collect(),
        facts.iter().map(|f| f.contract.as_str()).collect(),
        facts.iter().map(|f| f.customer.as_str()).collect(),
        facts.iter().map(|f| f.product.as_str()).collect(),
        currencies.iter().map(String::as_str).collect(),
    ];
    for column in &texts {
        put_text(&mut out, column).ok_or_else(too_many)?;
    }
    for pick in [
        |f: &SalesFact| f.quantity,
        |f: &SalesFact| f.amount,
        |f: &SalesFact| f.cost,
    ] {
        for f in facts {
            out.extend_from_slice(&pick(f).serialize());
        }
    }
    let mut end = 0u32;
    for f in facts {
        let here = u32::try_from(f.credits.len()).map_err(|_| too_many())?;
        end = end.checked_add(here).ok_or_else(too_many)?;
        out.extend_from_slice(&end.to_le_bytes());
    }
    let credit_list = || facts.iter().flat_map(|f| f.credits.iter());
    let reps: Vec<&str> = credit_list().map(|c| c.rep.as_str()).collect();
    put_text(&mut out, &reps).ok_or_else(too_many)?;
    for c in credit_list() {
        out.extend_from_slice(&c.share_pct.serialize());
    }
    let sum = checksum(&out);
    out.extend_from_slice(&sum);
    Ok(out)
}

/// `content` (a segment without its checksum) with its checksum appended: for fuzzing
/// and tests that reach the column checks behind the checksum.
#[doc(hidden)]
pub fn with_checksum(content: &[u8]) -> Vec<u8> {
    let mut out = content.to_vec();
    out.extend_from_slice(&checksum(content));
    out
}

/// Whether `bytes` are a segment in format 1 (no checksum), which [`upgrade`] rewrites.
pub fn is_format_1(bytes: &[u8]) -> bool {
    bytes.get(..4) == Some(MAGIC_V1.as_slice())
}

/// Rewrites a format-1 segment (no checksum) in the current format, checking every
/// column as [`Segment::read`] does; `None` for a segment already current.
pub fn upgrade(bytes: &[u8]) -> Result<Option<Vec<u8>>> {
    if !is_format_1(bytes) {
        return Ok(None);
    }
    let facts = Segment::parse(bytes)?.facts()?;
    encode_segment(&facts).map(Some)
}

fn put_text(out: &mut Vec<u8>, values: &[&str]) -> Option<()> {
    let mut end = 0u32;
    for v in values {
        end = end.checked_add(u32::try_from(v.len()).ok()?)?;
        out.extend_from_slice(&end.to_le_bytes());
    }
    for v in values {
        out.extend_from_slice(v.as_bytes());
    }
    Some(())
}

/// A text column inside a segment: end offsets and the bytes they index.
#[derive(Debug, Clone, Copy)]
struct TextColumn<'a> {
    ends: &'a [u8],
    text: &'a str,
    /// Where `text` starts in the segment's bytes.
    base: usize,
}

impl<'a> TextColumn<'a> {
    fn span(&self, i: usize) -> Range<usize> {
        let start = i
            .checked_sub(1)
            .map_or(0, |before| u32_at(self.ends, before));
        start as usize..u32_at(self.ends, i) as usize
    }

    fn value(&self, i: usize) -> &'a str {
        // Offsets were checked to be ordered char boundaries when the segment was read.
        self.text.get(self.span(i)).unwrap_or_default()
    }

    // Positions inside one segment's bytes, which `Segment::read` bounded: the sums
    // below stay far under `usize::MAX` (saturating only to satisfy the lints).
    fn region(&self) -> Range<usize> {
        self.base..self.base.saturating_add(self.text.len())
    }

    fn span_in_segment(&self, i: usize) -> Range<usize> {
        let span = self.span(i);
        self.base.saturating_add(span.start)..self.base.saturating_add(span.end)
    }
}

/// The `W` bytes of item `i` of a column of `W`-byte items; zeros outside the column,
/// which `Segment::read` checked never happens for the positions readers use.
#[inline]
fn item<const W: usize>(bytes: &[u8], i: usize) -> [u8; W] {
    i.checked_mul(W)
        .and_then(|at| bytes.get(at..at.checked_add(W)?))
        .and_then(|b| <[u8; W]>::try_from(b).ok())
        .unwrap_or([0; W])
}

fn u32_at(bytes: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(item::<4>(bytes, i))
}

/// A stored decimal as its mantissa and scale, without building a `Decimal`.
fn decimal_parts_at(bytes: &[u8], i: usize) -> (i128, u32) {
    let [_, _, scale, flags, m @ ..] = item::<16>(bytes, i);
    let mut word = [0u8; 16];
    for (w, b) in word.iter_mut().zip(m) {
        *w = b;
    }
    // 96 bits at most: negating cannot overflow.
    let magnitude = i128::from_le_bytes(word);
    let mantissa = if flags & 0x80 != 0 {
        magnitude.saturating_neg()
    } else {
        magnitude
    };
    (mantissa, u32::from(scale))
}

fn decimal_at(bytes: &[u8], i: usize) -> Decimal {
    Decimal::deserialize(item::<16>(bytes, i))
}

/// A stored segment, read in place: every column borrows the segment's bytes.
#[derive(Debug, Clone)]
pub struct Segment<'a> {
    bytes: &'a [u8],
    len: usize,
    days: &'a [u8],
    texts: [TextColumn<'a>; 6],
    decimals: [&'a [u8]; 3],
    credit_ends: &'a [u8],
    reps: TextColumn<'a>,
    shares: &'a [u8],
}

/// Takes the next `len` bytes of a segment being read.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8]> {
        let end = self.at.checked_add(len).filter(|e| *e <= self.bytes.len());
        let part = end
            .and_then(|end| self.bytes.get(self.at..end))
            .ok_or_else(|| damaged(format!("it ends inside its {what}")))?;
        self.at = self.at.saturating_add(part.len());
        Ok(part)
    }

    fn words(&mut self, count: usize, width: usize, what: &str) -> Result<&'a [u8]> {
        let len = count
            .checked_mul(width)
            .ok_or_else(|| damaged(format!("its {what} are too long")))?;
        self.take(len, what)
    }

    fn text(&mut self, count: usize, what: &str) -> Result<TextColumn<'a>> {
        let ends = self.words(count, 4, what)?;
        let total = count.checked_sub(1).map_or(0, |last| u32_at(ends, last));
        let base = self.at;
        let text = std::str::from_utf8(self.take(total as usize, what)?)
            .map_err(|_| damaged(format!("its {what} are not UTF-8")))?;
        let mut previous = 0;
        for i in 0..count {
            let end = u32_at(ends, i) as usize;
            if end < previous || !text.is_char_boundary(end) {
                return Err(damaged(format!(
                    "the offsets of its {what} are out of order"
                )));
            }
            previous = end;
        }
        Ok(TextColumn { ends, text, base })
    }

    fn decimals(&mut self, count: usize, what: &str) -> Result<&'a [u8]> {
        let bytes = self.words(count, 16, what)?;
        // rust_decimal's form: flags (scale in byte 2, sign in the top bit), then the
        // 96-bit mantissa. Anything else would not be a decimal kis wrote.
        for value in bytes.chunks_exact(16) {
            let bad = match value {
                [0, 0, scale, flags, ..] => *scale > 28 || flags & 0x7f != 0,
                _ => true,
            };
            if bad {
                return Err(damaged(format!(
                    "its {what} hold a value that is not a decimal"
                )));
            }
        }
        Ok(bytes)
    }
}

fn damaged(why: String) -> crate::error::Error {
    corrupt(format!("a sales fact segment is damaged: {why}"))
}

impl<'a> Segment<'a> {
    /// Reads a segment: its checksum first, then every offset, date and decimal once,
    /// so that the accessors below never fail; damaged bytes are a `Corrupt` store error.
    pub fn read(bytes: &'a [u8]) -> Result<Segment<'a>> {
        match bytes.get(..4) {
            Some(m) if m == MAGIC => {}
            Some(m) if m == MAGIC_V1 => {
                return Err(damaged(
                    "it is in format 1, without a checksum; open the store with an engine to upgrade it"
                        .into(),
                ));
            }
            _ => return Err(damaged("it does not start with KSF version 2".into())),
        }
        let split = bytes
            .len()
            .checked_sub(CHECKSUM_LEN)
            .filter(|&at| at >= 4)
            .ok_or_else(|| damaged("it ends before its checksum".into()))?;
        let (content, stored) = bytes.split_at(split);
        if stored != checksum(content) {
            return Err(damaged(
                "its checksum does not match its bytes (changed on disk or in the database)".into(),
            ));
        }
        Segment::parse(content)
    }

    /// [`read`](Self::read) for the stored segment `key` of [`FACT_SEGMENTS`]: an error
    /// names the collection and the key.
    ///
    /// [`FACT_SEGMENTS`]: FACT_SEGMENTS
    pub fn read_stored(key: &str, bytes: &'a [u8]) -> Result<Segment<'a>> {
        Segment::read(bytes).map_err(|e| match e {
            crate::error::Error::Store(crate::store::StoreError::Corrupt { backend, message }) => {
                crate::error::Error::Store(crate::store::StoreError::Corrupt {
                    backend,
                    message: format!("{}/{key}: {message}", FACT_SEGMENTS),
                })
            }
            other => other,
        })
    }

    /// Reads the columns of a segment's content (after the magic, without the checksum).
    fn parse(bytes: &'a [u8]) -> Result<Segment<'a>> {
        let mut c = Cursor { bytes, at: 4 };
        let len = u32_at(c.take(4, "header")?, 0) as usize;
        let credits = u32_at(c.take(4, "header")?, 0) as usize;
        let days = c.words(len, 4, "dates")?;
        let representable = day_number(NaiveDate::MIN)..=day_number(NaiveDate::MAX);
        for i in 0..len {
            if !representable.contains(&(u32_at(days, i) as i32)) {
                return Err(damaged("a date is out of range".into()));
            }
        }
        let names = [
            "ids",
            "orders",
            "contracts",
            "customers",
            "products",
            "currencies",
        ];
        let mut texts = Vec::with_capacity(6);
        for name in names {
            texts.push(c.text(len, name)?);
        }
        let decimals = [
            c.decimals(len, "quantities")?,
            c.decimals(len, "amounts")?,
            c.decimals(len, "costs")?,
        ];
        let credit_ends = c.words(len, 4, "credit offsets")?;
        let mut previous = 0;
        for i in 0..len {
            let end = u32_at(credit_ends, i) as usize;
            if end < previous || end > credits {
                return Err(damaged("the credit offsets are out of order".into()));
            }
            previous = end;
        }
        if previous != credits {
            return Err(damaged(
                "the credit offsets do not cover the credits".into(),
            ));
        }
        let reps = c.text(credits, "reps")?;
        let shares = c.decimals(credits, "shares")?;
        if c.at != bytes.len() {
            return Err(damaged("bytes follow its last column".into()));
        }
        let texts: [TextColumn<'a>; 6] = texts
            .try_into()
            .map_err(|_| damaged("a text column is missing".into()))?;
        Ok(Segment {
            bytes,
            len,
            days,
            texts,
            decimals,
            credit_ends,
            reps,
            shares,
        })
    }

    /// The number of facts.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the segment holds no fact.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Fact `i`'s delivery date as a day number (days since 1970-01-01).
    pub fn day(&self, i: usize) -> i32 {
        u32_at(self.days, i) as i32
    }

    /// Fact `i`'s delivery date.
    pub fn date(&self, i: usize) -> NaiveDate {
        date_of_day(self.day(i)).unwrap_or(NaiveDate::MIN)
    }

    /// Text column `column`.
    fn text_column(&self, column: FactText) -> &TextColumn<'a> {
        let [id, order, contract, customer, product, currency] = &self.texts;
        match column {
            FactText::Id => id,
            FactText::Order => order,
            FactText::Contract => contract,
            FactText::Customer => customer,
            FactText::Product => product,
            FactText::Currency => currency,
        }
    }

    /// Decimal column `column`'s bytes.
    fn decimal_column(&self, column: FactDecimal) -> &'a [u8] {
        let [quantity, amount, cost] = self.decimals;
        match column {
            FactDecimal::Quantity => quantity,
            FactDecimal::Amount => amount,
            FactDecimal::Cost => cost,
        }
    }

    /// Fact `i`'s text column `column`.
    pub fn text(&self, column: FactText, i: usize) -> &'a str {
        self.text_column(column).value(i)
    }

    /// Fact `i`'s decimal column `column`.
    pub fn decimal(&self, column: FactDecimal, i: usize) -> Decimal {
        decimal_at(self.decimal_column(column), i)
    }

    /// The segment's bytes, as stored.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Where fact `i`'s text column `column` lies in [`bytes`](Self::bytes): UTF-8 on
    /// char boundaries (for a reader that points into the bytes instead of copying).
    pub fn text_span(&self, column: FactText, i: usize) -> Range<usize> {
        self.text_column(column).span_in_segment(i)
    }

    /// Fact `i`'s decimal column `column` as its mantissa and scale.
    pub fn decimal_parts(&self, column: FactDecimal, i: usize) -> (i128, u32) {
        decimal_parts_at(self.decimal_column(column), i)
    }

    /// The positions, among all the segment's credits, of fact `i`'s credits.
    pub fn credits(&self, i: usize) -> Range<usize> {
        let start = i
            .checked_sub(1)
            .map_or(0, |before| u32_at(self.credit_ends, before));
        start as usize..u32_at(self.credit_ends, i) as usize
    }

    /// The rep credited by credit `k` (a position from [`credits`](Self::credits)).
    pub fn credit_rep(&self, k: usize) -> &'a str {
        self.reps.value(k)
    }

    /// Where the whole of text column `column` lies in [`bytes`](Self::bytes): every
    /// [`text_span`](Self::text_span) of the column is inside it.
    pub fn text_region(&self, column: FactText) -> Range<usize> {
        self.text_column(column).region()
    }

    /// Where the credited reps lie in [`bytes`](Self::bytes), as one run of text.
    pub fn credit_rep_region(&self) -> Range<usize> {
        self.reps.region()
    }

    /// Where the rep credited by credit `k` lies in [`bytes`](Self::bytes).
    pub fn credit_rep_span(&self, k: usize) -> Range<usize> {
        self.reps.span_in_segment(k)
    }

    /// The share of credit `k` as its mantissa and scale.
    pub fn credit_share_parts(&self, k: usize) -> (i128, u32) {
        decimal_parts_at(self.shares, k)
    }

    /// The share of credit `k`, in percent.
    pub fn credit_share(&self, k: usize) -> Decimal {
        decimal_at(self.shares, k)
    }

    /// The facts dated `from..=to` (day numbers): a range, since facts are sorted.
    pub fn dated(&self, from: i32, to: i32) -> Range<usize> {
        let first_at_or_after = |day: i32| {
            let (mut lo, mut hi) = (0, self.len);
            while lo < hi {
                let mid = lo.midpoint(hi);
                if self.day(mid) < day {
                    lo = mid.saturating_add(1);
                } else {
                    hi = mid;
                }
            }
            lo
        };
        let start = first_at_or_after(from);
        let end = if to == i32::MAX {
            self.len
        } else {
            first_at_or_after(to.saturating_add(1))
        };
        start..end.max(start)
    }

    /// Fact `i`, decoded.
    pub fn fact(&self, i: usize) -> Result<SalesFact> {
        let currency = self.text(FactText::Currency, i);
        Ok(SalesFact {
            id: self.text(FactText::Id, i).to_string(),
            date: self.date(i),
            order: self.text(FactText::Order, i).to_string(),
            contract: self.text(FactText::Contract, i).to_string(),
            customer: self.text(FactText::Customer, i).to_string(),
            product: self.text(FactText::Product, i).to_string(),
            quantity: self.decimal(FactDecimal::Quantity, i),
            amount: self.decimal(FactDecimal::Amount, i),
            cost: self.decimal(FactDecimal::Cost, i),
            currency: currency
                .parse()
                .map_err(|_| damaged(format!("it holds the currency {currency:?}")))?,
            credits: self
                .credits(i)
                .map(|k| Credit {
                    rep: UserId::from(self.credit_rep(k)),
                    share_pct: self.credit_share(k),
                })
                .collect(),
        })
    }

    /// Every fact, decoded.
    pub fn facts(&self) -> Result<Vec<SalesFact>> {
        (0..self.len).map(|i| self.fact(i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use proptest::prelude::*;

    fn fact(day: u32, order: &str, reps: &[(&str, &str)], amount: &str) -> SalesFact {
        let date = NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
        SalesFact {
            id: SalesFact::make_id(date, order, 1),
            date,
            order: order.into(),
            contract: format!("K-{order}"),
            customer: "C-长城".into(),
            product: "P-1".into(),
            quantity: "2.5".parse().unwrap(),
            amount: amount.parse().unwrap(),
            cost: "-0.001".parse().unwrap(),
            currency: Currency::new("CNY").unwrap(),
            credits: reps
                .iter()
                .map(|(r, s)| Credit {
                    rep: UserId::from(*r),
                    share_pct: s.parse().unwrap(),
                })
                .collect(),
        }
    }

    #[test]
    fn facts_come_back_as_written() {
        let facts = vec![
            fact(1, "O-1", &[("ana", "100")], "1234.50"),
            fact(
                3,
                "O-2",
                &[("ana", "60"), ("bo", "40.00")],
                "99999999999999.9999",
            ),
            fact(3, "O-3", &[], "0"),
            fact(9, "O-4", &[("bo", "100")], "-12.3456789"),
        ];
        let bytes = encode_segment(&facts).unwrap();
        let segment = Segment::read(&bytes).unwrap();
        assert_eq!(segment.facts().unwrap(), facts);
        assert_eq!(segment.text(FactText::Customer, 2), "C-长城");
        assert_eq!(segment.credits(1), 1..3);
        assert_eq!(segment.credits(2), 3..3);
        let day = |d| day_number(NaiveDate::from_ymd_opt(2026, 3, d).unwrap());
        assert_eq!(segment.dated(day(3), day(3)), 1..3);
        assert_eq!(segment.dated(day(2), day(8)), 1..3);
        assert_eq!(segment.dated(day(10), day(20)), 4..4);
        assert_eq!(segment.dated(i32::MIN, i32::MAX), 0..4);
        for (i, f) in facts.iter().enumerate() {
            let (mantissa, scale) = segment.decimal_parts(FactDecimal::Amount, i);
            assert_eq!(Decimal::from_i128_with_scale(mantissa, scale), f.amount);
            assert_eq!(&bytes[segment.text_span(FactText::Id, i)], f.id.as_bytes());
        }
        assert_eq!(segment.credit_share_parts(1), (60, 0));
        assert_eq!(segment.credit_share_parts(2), (4000, 2));
        assert_eq!(&segment.bytes()[segment.credit_rep_span(2)], b"bo");
        let empty = encode_segment(&[]).unwrap();
        assert!(Segment::read(&empty).unwrap().is_empty());
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let facts = vec![fact(1, "O-1", &[("ana", "50"), ("bo", "50")], "10.00")];
        let bytes = encode_segment(&facts).unwrap();
        assert!(Segment::read(b"JSON").is_err());
        for cut in 0..bytes.len() {
            assert!(Segment::read(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Segment::read(&longer).is_err());
        // Every flipped bit is caught by the checksum: no change reads back silently.
        for bit in 0..bytes.len() * 8 {
            let mut changed = bytes.clone();
            changed[bit / 8] ^= 1 << (bit % 8);
            let err = Segment::read(&changed).unwrap_err().to_string();
            assert!(err.contains("damaged"), "bit {bit}: {err}");
        }
        // Behind the checksum, the columns are still checked: a segment whose checksum
        // was recomputed over damaged content is refused or reads, never panics.
        let content = &bytes[..bytes.len() - CHECKSUM_LEN];
        for at in 0..content.len() {
            let mut changed = content.to_vec();
            changed[at] ^= 0xff;
            let sum = checksum(&changed);
            changed.extend_from_slice(&sum);
            if let Ok(segment) = Segment::read(&changed) {
                let _ = segment.facts();
            }
        }
    }

    #[test]
    fn a_format_1_segment_is_refused_until_upgraded() {
        let facts = vec![fact(2, "O-9", &[("ana", "100")], "5.00")];
        let current = encode_segment(&facts).unwrap();
        let mut v1 = current[..current.len() - CHECKSUM_LEN].to_vec();
        v1[..4].copy_from_slice(MAGIC_V1);
        let err = Segment::read(&v1).unwrap_err().to_string();
        assert!(err.contains("format 1"), "{err}");
        let upgraded = upgrade(&v1).unwrap().unwrap();
        assert_eq!(upgraded, current);
        assert_eq!(upgrade(&current).unwrap(), None);
    }

    proptest! {
        #[test]
        fn any_facts_round_trip(
            rows in prop::collection::vec(
                (1u32..=28, "[A-Z]-[0-9]{1,6}", -10i64.pow(15)..10i64.pow(15), 0u32..=6,
                 prop::collection::vec(("[a-z]{1,8}", 0i64..=10_000), 0..4)),
                0..40,
            )
        ) {
            let facts: Vec<SalesFact> = rows
                .iter()
                .map(|(day, order, cents, scale, credits)| {
                    let mut f = fact(*day, order, &[], "0");
                    f.amount = Decimal::new(*cents, *scale);
                    f.credits = credits
                        .iter()
                        .map(|(rep, share)| Credit {
                            rep: UserId::from(rep.as_str()),
                            share_pct: Decimal::new(*share, 2),
                        })
                        .collect();
                    f
                })
                .collect();
            let bytes = encode_segment(&facts).unwrap();
            let back = Segment::read(&bytes).unwrap().facts().unwrap();
            prop_assert_eq!(back.len(), facts.len());
            for (a, b) in back.iter().zip(&facts) {
                // Same value and the same scale: 1.10 stays 1.10.
                prop_assert_eq!(a, b);
                prop_assert_eq!(a.amount.scale(), b.amount.scale());
            }
        }
    }
}
