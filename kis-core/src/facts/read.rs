//! Reading periods of sales facts back from their segments: one fact at a time, or in
//! chunks of segments spread over worker threads (the KPI tally, the Arrow export).

use std::ops::{ControlFlow, Range};

use chrono::NaiveDate;

use super::fact::SalesFact;
use super::log::scan_segments;
use super::segment::Segment;
use crate::clock::day_number;
use crate::error::Result;
use crate::store::Transaction;

/// Visits the facts dated `from..=to` in date (then id) order, decoded; a segment that
/// does not read stops the scan with its error.
pub fn scan_facts(
    tx: &mut dyn Transaction,
    from: NaiveDate,
    to: NaiveDate,
    mut visit: impl FnMut(SalesFact) -> ControlFlow<()>,
) -> Result<()> {
    read_segments(tx, from, to, |d| {
        for i in d.rows.clone() {
            if visit(d.segment.fact(i)?).is_break() {
                return Ok(ControlFlow::Break(()));
            }
        }
        Ok(ControlFlow::Continue(()))
    })
}

/// Visits, in date order on this thread, the stored segments that hold facts dated
/// `from..=to`, each read in place with its facts in the range; the first error (a
/// damaged segment, or one `visit` returns) stops the scan and is returned.
pub fn read_segments(
    tx: &mut dyn Transaction,
    from: NaiveDate,
    to: NaiveDate,
    mut visit: impl FnMut(&DatedSegment<'_>) -> Result<ControlFlow<()>>,
) -> Result<()> {
    let (first, last) = (day_number(from), day_number(to));
    let mut failure = None;
    scan_segments(
        tx,
        from,
        to,
        &mut |key, bytes| match DatedSegment::read(key, bytes, first, last).and_then(|d| visit(&d))
        {
            Ok(flow) => flow,
            Err(e) => {
                failure = Some(e);
                ControlFlow::Break(())
            }
        },
    )?;
    failure.map_or(Ok(()), Err)
}

/// A stored segment and which of its facts lie in the range being read.
#[derive(Debug, Clone)]
pub struct DatedSegment<'a> {
    /// The segment.
    pub segment: Segment<'a>,
    /// Its facts within the range (positions for the segment's accessors).
    pub rows: Range<usize>,
}

impl<'a> DatedSegment<'a> {
    /// Reads the stored segment `key` and finds its facts dated `first..=last` (day
    /// numbers).
    pub fn read(key: &str, bytes: &'a [u8], first: i32, last: i32) -> Result<DatedSegment<'a>> {
        let segment = Segment::read_stored(key, bytes)?;
        let rows = segment.dated(first, last);
        Ok(DatedSegment { segment, rows })
    }
}

/// A run of stored segments, as read, handed to one worker of [`fold_fact_chunks`].
#[derive(Debug)]
pub struct FactChunk {
    bytes: Vec<(String, Vec<u8>)>,
    first: i32,
    last: i32,
}

impl FactChunk {
    /// The segments, read in place, each with its facts in the range being read.
    pub fn segments(&self) -> Result<Vec<DatedSegment<'_>>> {
        self.bytes
            .iter()
            .map(|(key, bytes)| DatedSegment::read(key, bytes, self.first, self.last))
            .collect()
    }
}

/// Reads the facts dated `from..=to` on `workers` threads (see
/// `Engine::reader_threads`): this thread reads the store's segments and hands them in
/// chunks, numbered in date order, to the workers; each
/// worker folds its chunks into its own state (`init`, then `fold(state, chunk number,
/// chunk)`). Returns the workers' states.
pub fn fold_fact_chunks<S: Send>(
    tx: &mut dyn Transaction,
    from: NaiveDate,
    to: NaiveDate,
    workers: usize,
    init: impl Fn() -> S + Sync,
    fold: impl Fn(&mut S, usize, FactChunk) -> Result<()> + Sync,
) -> Result<Vec<S>> {
    use std::sync::{Arc, Mutex, mpsc};
    // Up to 16,384 facts per chunk: a record batch of a useful size, and work for every
    // core from a month of sales.
    const SEGMENTS_PER_CHUNK: usize = 16;
    let workers = workers.max(1);
    let (first, last) = (day_number(from), day_number(to));
    let fold_chunk = |state: &mut S, n: usize, bytes: Vec<(String, Vec<u8>)>| -> Result<()> {
        fold(state, n, FactChunk { bytes, first, last })
    };
    std::thread::scope(|scope| {
        let (send, receive) =
            mpsc::sync_channel::<(usize, Vec<(String, Vec<u8>)>)>(workers.saturating_mul(2));
        let receive = Arc::new(Mutex::new(receive));
        let (init, fold_chunk) = (&init, &fold_chunk);
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let receive = Arc::clone(&receive);
                scope.spawn(move || {
                    let mut state = init();
                    let mut result = Ok(());
                    loop {
                        let next = match receive.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => break,
                        };
                        let Ok((n, chunk)) = next else { break };
                        // After a failure, keep draining so that the scanner never blocks.
                        if result.is_ok() {
                            result = fold_chunk(&mut state, n, chunk);
                        }
                    }
                    result.map(|_| state)
                })
            })
            .collect();
        drop(receive);
        let mut chunk = Vec::with_capacity(SEGMENTS_PER_CHUNK);
        let mut sent = 0;
        let scanned = scan_segments(tx, from, to, &mut |key, bytes| {
            chunk.push((key.to_string(), bytes.to_vec()));
            if chunk.len() == SEGMENTS_PER_CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(SEGMENTS_PER_CHUNK));
                if send.send((sent, full)).is_err() {
                    return ControlFlow::Break(());
                }
                sent = sent.saturating_add(1);
            }
            ControlFlow::Continue(())
        });
        if !chunk.is_empty() {
            let _ = send.send((sent, chunk));
        }
        drop(send);
        let mut states = Vec::with_capacity(handles.len());
        for h in handles {
            states.push(h.join().unwrap_or_else(|_| {
                Err(crate::error::Error::invalid(
                    "facts",
                    "a reader thread failed",
                ))
            })?);
        }
        scanned.map(|_| states)
    })
}
