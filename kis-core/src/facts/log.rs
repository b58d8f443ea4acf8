//! Where sales facts are kept: segments (see [`segment`](super::segment)) in the store's
//! binary documents, each keyed by the lower bound of the ids it may hold. The first
//! segment of a month is keyed by the month (`2026-03`), a later one by its first fact's
//! id; so the segment for any fact is the one with the greatest key at or below the fact's
//! id, segments never overlap, and reading them in key order reads facts in id (date)
//! order. Appending rewrites the one segment a fact falls into, split in two past
//! [`SEGMENT_CAPACITY`]; facts delivered in date order fill segments to the brim.

use std::ops::ControlFlow;

use chrono::{Datelike, NaiveDate};

use super::fact::SalesFact;
use super::segment::{FACT_SEGMENTS, SEGMENT_CAPACITY, Segment, encode_segment};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::store::{Expected, Transaction};

/// The key of the month a fact id (or date string) belongs to: its first seven bytes.
fn month_of(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}

/// The key of the month after `month` (`2026-12` → `2027-01`), the bound of its ids.
fn next_month(month: &str) -> Result<String> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_err(|_| Error::invalid("sales fact id", format!("{month:?} is not a month")))?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| Error::invalid("sales fact id", format!("{month} is the last month")))?;
    Ok(format!("{:04}-{:02}", next.year(), next.month()))
}

/// Adds facts to the store, at the storage level: no actor, no authorisation, no audit
/// entry. The engine calls it when an order is delivered (its audit entry lists the
/// facts); call it directly only to import history or to seed a benchmark, inside a
/// write transaction. Each id must start with its fact's date, as
/// [`SalesFact::make_id`] makes them (else `InvalidInput`), and be new (else
/// `AlreadyExists`); on an error nothing is written once the caller's transaction rolls
/// back.
pub fn append_facts(tx: &mut dyn Transaction, facts: &[SalesFact]) -> Result<()> {
    // Segments are found by id and read by date: the two must agree.
    for f in facts {
        let date = f.date.to_string();
        if date.len() != 10 || !f.id.starts_with(&date) {
            return Err(Error::invalid(
                "sales fact id",
                format!(
                    "{} does not start with its date {date} (years 0-9999)",
                    f.id
                ),
            ));
        }
    }
    let mut pending: Vec<&SalesFact> = facts.iter().collect();
    pending.sort_by(|a, b| a.id.cmp(&b.id));
    refuse_duplicates(&pending)?;
    let mut rest = pending.as_slice();
    while let Some(first) = rest.first() {
        let month = month_of(&first.id).to_string();
        let floor = tx
            .blob_floor(FACT_SEGMENTS, &first.id)?
            .filter(|b| month_of(&b.id) == month);
        let (key, version, mut merged) = match floor {
            Some(b) => {
                let facts = Segment::read_stored(&b.id, &b.bytes)?.facts()?;
                (b.id, Some(b.version), facts)
            }
            None => (month.clone(), None, Vec::new()),
        };
        // The facts that fall into this segment: below the next segment's key.
        let mut bound = next_month(&month)?;
        tx.blob_scan(FACT_SEGMENTS, &key, &bound.clone(), &mut |next, _, _| {
            if next == key {
                return ControlFlow::Continue(());
            }
            bound = next.to_string();
            ControlFlow::Break(())
        })?;
        let take = rest.iter().take_while(|f| f.id < bound).count();
        let (mine, later) = rest.split_at(take);
        rest = later;
        let old_len = merged.len();
        let appends_at_end = match (merged.last(), mine.first()) {
            (Some(last), Some(first)) => last.id < first.id,
            _ => true,
        };
        merged.extend(mine.iter().map(|f| (*f).clone()));
        if !appends_at_end {
            merged.sort_by(|a, b| a.id.cmp(&b.id));
            refuse_duplicates(&merged)?;
        }
        write_split(
            tx,
            &key,
            version,
            &merged,
            appends_at_end.then_some(old_len),
        )?;
    }
    Ok(())
}

/// `AlreadyExists` for the first id that `facts` (sorted by id) hold twice.
fn refuse_duplicates<F: std::borrow::Borrow<SalesFact>>(facts: &[F]) -> Result<()> {
    let twice = facts
        .iter()
        .zip(facts.iter().skip(1))
        .find(|(a, b)| a.borrow().id == b.borrow().id);
    match twice {
        Some((a, _)) => Err(Error::AlreadyExists {
            kind: SalesFact::KIND,
            id: a.borrow().id.clone(),
        }),
        None => Ok(()),
    }
}

/// Writes `facts` (sorted) as the segment `key`, split into as many as needed. When the
/// new facts all follow the old ones (`appended_after`: how many were old), the old
/// segment is filled up and the rest start new, full segments; otherwise the facts are
/// split evenly, so that later inserts in the middle have room.
fn write_split(
    tx: &mut dyn Transaction,
    key: &str,
    version: Option<u64>,
    facts: &[SalesFact],
    appended_after: Option<usize>,
) -> Result<()> {
    // Part boundaries: full segments when appending, else an even split. A segment's
    // facts number a few thousand at most, so the products stay far inside usize.
    let bounds: Vec<usize> = match appended_after {
        Some(_) => (0..facts.len().div_ceil(SEGMENT_CAPACITY))
            .map(|p| p.saturating_mul(SEGMENT_CAPACITY))
            .chain([facts.len()])
            .collect(),
        None => {
            let parts = facts.len().div_ceil(SEGMENT_CAPACITY).max(1);
            (0..=parts)
                .map(|p| {
                    facts
                        .len()
                        .saturating_mul(p)
                        .checked_div(parts)
                        .unwrap_or(0)
                })
                .collect()
        }
    };
    let parts = bounds.iter().zip(bounds.iter().skip(1));
    for (p, (&start, &end)) in parts.enumerate() {
        let Some(part) = facts.get(start..end) else {
            continue;
        };
        let bytes = encode_segment(part)?;
        match (p, part.first()) {
            (0, _) => {
                let expected = version.map_or(Expected::Absent, Expected::Version);
                tx.blob_put(FACT_SEGMENTS, key, &bytes, expected)?;
            }
            (_, Some(first)) => {
                tx.blob_put(FACT_SEGMENTS, &first.id, &bytes, Expected::Absent)?;
            }
            (_, None) => {}
        }
    }
    Ok(())
}

/// Visits the segments that may hold facts dated `from..=to`, in date order, lending
/// each one's bytes (a segment at either end also holds facts outside the range: see
/// [`Segment::dated`]).
pub fn scan_segments(
    tx: &mut dyn Transaction,
    from: NaiveDate,
    to: NaiveDate,
    visit: &mut dyn FnMut(&str, &[u8]) -> ControlFlow<()>,
) -> Result<()> {
    if to < from {
        return Ok(());
    }
    let from_key = from.to_string();
    // The segment that holds `from` starts at or before it, in the same month.
    let start = match tx.blob_floor(FACT_SEGMENTS, &from_key)? {
        Some(b) if month_of(&b.id) == month_of(&from_key) => b.id,
        _ => from_key,
    };
    let until = match to.succ_opt() {
        Some(next) => next.to_string(),
        None => "\u{10FFFF}".to_string(),
    };
    tx.blob_scan(FACT_SEGMENTS, &start, &until, &mut |key, _, bytes| {
        visit(key, bytes)
    })?;
    Ok(())
}

/// The sales facts as the audit trail sees them: documents of `sales_facts`, kept in
/// segments; the verifier gets each one's JSON body as it was recorded.
#[derive(Debug, Clone, Copy)]
pub struct FactDocuments;

impl crate::audit::DerivedDocuments for FactDocuments {
    fn collection(&self) -> &'static str {
        SalesFact::COLLECTION
    }

    fn visit(
        &self,
        tx: &mut dyn Transaction,
        visit: &mut dyn FnMut(&str, &str) -> Result<()>,
    ) -> Result<()> {
        let mut failure = None;
        tx.blob_scan(FACT_SEGMENTS, "", "\u{10FFFF}", &mut |key, _, bytes| {
            let each = Segment::read_stored(key, bytes).and_then(|s| {
                for i in 0..s.len() {
                    let fact = s.fact(i)?;
                    visit(&fact.id, &crate::document::encode(&fact)?)?;
                }
                Ok(())
            });
            match each {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    failure = Some(e);
                    ControlFlow::Break(())
                }
            }
        })?;
        failure.map_or(Ok(()), Err)
    }
}

/// Whether the store holds segments in format 1 (without checksums): all segments are
/// upgraded together, so the first one tells.
pub(crate) fn has_format_1_segments(tx: &mut dyn Transaction) -> Result<bool> {
    let mut old = false;
    tx.blob_scan(FACT_SEGMENTS, "", "\u{10FFFF}", &mut |_, _, bytes| {
        old = super::segment::is_format_1(bytes);
        ControlFlow::Break(())
    })?;
    Ok(old)
}

/// Rewrites every format-1 segment with its checksum, in one transaction (run by the
/// engine once, when it opens a store an earlier kis wrote). Returns how many.
pub(crate) fn upgrade_segments(tx: &mut dyn Transaction) -> Result<usize> {
    let mut old = Vec::new();
    let mut failure = None;
    tx.blob_scan(
        FACT_SEGMENTS,
        "",
        "\u{10FFFF}",
        &mut |key, version, bytes| {
            match super::segment::upgrade(bytes) {
                Ok(Some(new)) => old.push((key.to_string(), version, new)),
                Ok(None) => {}
                Err(e) => {
                    failure = Some(e);
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        },
    )?;
    if let Some(e) = failure {
        return Err(e);
    }
    for (key, version, bytes) in &old {
        tx.blob_put(
            FACT_SEGMENTS,
            key,
            bytes,
            crate::store::Expected::Version(*version),
        )?;
    }
    Ok(old.len())
}

/// Moves facts that an earlier kis stored as JSON documents into segments, once; run by
/// the engine when it opens a store, in one transaction. A month at a time, so that
/// memory holds one month's facts, not the store's. Returns how many were moved.
pub(crate) fn move_fact_documents(tx: &mut dyn Transaction) -> Result<usize> {
    let mut moved = 0;
    loop {
        // The first document left names the next month to move (earlier ones are gone).
        let mut next = None;
        tx.scan(SalesFact::COLLECTION, "", &mut |r| {
            next = Some(month_of(&r.id).to_string());
            ControlFlow::Break(())
        })?;
        let Some(month) = next else {
            return Ok(moved);
        };
        let mut old = Vec::new();
        crate::document::scan::<SalesFact>(tx, &month, |f| {
            old.push(f);
            ControlFlow::Continue(())
        })?;
        let facts: Vec<SalesFact> = old.iter().map(|f| f.value.clone()).collect();
        append_facts(tx, &facts)?;
        for f in &old {
            tx.delete(SalesFact::COLLECTION, &f.value.id, f.version)?;
        }
        moved = moved.saturating_add(old.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Credit;
    use crate::ids::UserId;
    use crate::money::Currency;
    use crate::store::{MemoryStore, Store, TxMode};
    use proptest::prelude::*;

    fn fact(date: NaiveDate, order: usize) -> SalesFact {
        SalesFact {
            id: SalesFact::make_id(date, &format!("O-{order:05}"), 1),
            date,
            order: format!("O-{order:05}"),
            contract: "K-1".into(),
            customer: "C-1".into(),
            product: "P-1".into(),
            quantity: 1.into(),
            amount: order.into(),
            cost: 0.into(),
            currency: Currency::new("CNY").unwrap(),
            credits: vec![Credit {
                rep: UserId::from("ana"),
                share_pct: 100.into(),
            }],
        }
    }

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(n as u64)
    }

    fn stored(store: &MemoryStore, from: NaiveDate, to: NaiveDate) -> (Vec<String>, Vec<usize>) {
        let mut tx = store.begin(TxMode::Read).unwrap();
        let (mut ids, mut sizes) = (Vec::new(), Vec::new());
        scan_segments(tx.as_mut(), from, to, &mut |_, bytes| {
            let s = Segment::read(bytes).unwrap();
            sizes.push(s.len());
            let range = s.dated(day_of(from), day_of(to));
            ids.extend(range.map(|i| s.text(crate::facts::FactText::Id, i).to_string()));
            ControlFlow::Continue(())
        })
        .unwrap();
        (ids, sizes)
    }

    fn day_of(d: NaiveDate) -> i32 {
        crate::clock::day_number(d)
    }

    fn append(store: &MemoryStore, facts: &[SalesFact]) -> Result<()> {
        crate::store::write(store, |tx| append_facts(tx, facts))
    }

    #[test]
    fn facts_in_date_order_fill_segments_and_read_back_in_order() {
        let store = MemoryStore::new();
        let all: Vec<SalesFact> = (0..3000).map(|i| fact(day(i as u32 / 40), i)).collect();
        for delivery in all.chunks(7) {
            append(&store, delivery).unwrap();
        }
        let (ids, sizes) = stored(&store, day(0), day(400));
        let expected: Vec<String> = all.iter().map(|f| f.id.clone()).collect();
        assert_eq!(ids, expected);
        // January, February, March: full segments, then what is left of each month.
        assert!(sizes.iter().all(|s| *s <= SEGMENT_CAPACITY));
        assert_eq!(sizes.iter().filter(|s| **s == SEGMENT_CAPACITY).count(), 2);
        let (feb, _) = stored(&store, day(31), day(58));
        assert_eq!(feb.len(), 28 * 40);
        assert!(feb.iter().all(|id| id.starts_with("2026-02")));
    }

    #[test]
    fn a_duplicate_id_is_refused_and_nothing_is_written() {
        let store = MemoryStore::new();
        append(&store, &[fact(day(3), 1), fact(day(5), 2)]).unwrap();
        let err = append(&store, &[fact(day(4), 3), fact(day(3), 1)]).unwrap_err();
        assert!(matches!(err, Error::AlreadyExists { .. }), "{err}");
        let twice = append(&store, &[fact(day(9), 4), fact(day(9), 4)]).unwrap_err();
        assert!(matches!(twice, Error::AlreadyExists { .. }), "{twice}");
        assert_eq!(stored(&store, day(0), day(30)).0.len(), 2);
        for other_day in [day(40), day(4)] {
            let mut wrong = fact(day(3), 7);
            wrong.date = other_day;
            let err = append(&store, &[fact(day(6), 8), wrong]).unwrap_err();
            assert!(
                err.to_string().contains("does not start with its date"),
                "{err}"
            );
        }
        assert_eq!(stored(&store, day(0), day(30)).0.len(), 2);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Whatever order deliveries arrive in (late facts included), the store reads
        /// back every fact once, in id order, and no segment passes its capacity.
        #[test]
        fn any_arrival_order_reads_back_sorted(
            deliveries in prop::collection::vec(prop::collection::vec((0u32..70, 0usize..5000), 1..300), 1..12)
        ) {
            let store = MemoryStore::new();
            let mut expected = std::collections::BTreeSet::new();
            for delivery in &deliveries {
                let facts: Vec<SalesFact> = delivery
                    .iter()
                    .map(|(d, o)| fact(day(*d), *o))
                    .filter(|f| !expected.contains(&f.id))
                    .map(|f| (f.id.clone(), f))
                    .collect::<std::collections::BTreeMap<_, _>>()
                    .into_values()
                    .collect();
                append(&store, &facts).unwrap();
                expected.extend(facts.into_iter().map(|f| f.id));
            }
            let (ids, sizes) = stored(&store, day(0), day(70));
            prop_assert_eq!(ids, expected.into_iter().collect::<Vec<_>>());
            prop_assert!(sizes.iter().all(|s| *s <= SEGMENT_CAPACITY));
        }
    }
}
