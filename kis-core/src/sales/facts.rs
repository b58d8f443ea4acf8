//! Sales facts: one per delivered order line, the input of KPI scoring (P5.3a) and
//! sales reports (P9). Keyed by date first, so a period is one contiguous scan.

use std::ops::ControlFlow;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::engine::{Document, document};
use crate::error::Result;
use crate::ids::UserId;
use crate::money::Currency;
use crate::store::{Record, Transaction};

/// A rep's share of a sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// The rep.
    pub rep: UserId,
    /// Their share, in percent (the shares of a sale sum to 100).
    pub share_pct: Decimal,
}

/// One delivered line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesFact {
    /// `{date}:{order}:{line number, 3 digits}`.
    pub id: String,
    /// Delivery date.
    pub date: NaiveDate,
    /// The order.
    pub order: String,
    /// The contract.
    pub contract: String,
    /// The customer.
    pub customer: String,
    /// The product.
    pub product: String,
    /// Units delivered.
    pub quantity: Decimal,
    /// Revenue (the line total).
    pub amount: Decimal,
    /// Cost (unit cost times quantity).
    pub cost: Decimal,
    /// Currency of amount and cost.
    pub currency: Currency,
    /// Who is credited, with shares.
    pub credits: Vec<Credit>,
}

impl Document for SalesFact {
    const COLLECTION: &'static str = "sales_facts";
    const KIND: &'static str = "sales fact";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

impl SalesFact {
    /// The id of a fact: date first, for period scans.
    pub fn make_id(date: NaiveDate, order: &str, line: usize) -> String {
        format!("{date}:{order}:{line:03}")
    }
}

/// Visits the stored records of the facts dated `from..=to` in date order, undecoded
/// (a reader that needs a few fields decodes only those). Fact ids start with the date,
/// so each month of the range is one prefix scan and the date filter reads the id.
pub fn scan_fact_records(
    tx: &mut dyn Transaction,
    from: NaiveDate,
    to: NaiveDate,
    mut visit: impl FnMut(Record) -> ControlFlow<()>,
) -> Result<()> {
    let (from_id, to_id) = (from.to_string(), to.to_string());
    let mut month = from.with_day(1).unwrap_or(from);
    let mut stop = false;
    while month <= to && !stop {
        let prefix = month.format("%Y-%m-").to_string();
        tx.scan(SalesFact::COLLECTION, &prefix, &mut |r| {
            let day = r.id.get(..10).unwrap_or(&r.id);
            if day < from_id.as_str() {
                ControlFlow::Continue(())
            } else if day > to_id.as_str() || visit(r).is_break() {
                stop = true;
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })?;
        match month.checked_add_months(chrono::Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    Ok(())
}

/// Visits the facts dated `from..=to` in date order, decoded; a fact that does not
/// decode stops the scan with its error.
pub fn scan_facts(
    tx: &mut dyn Transaction,
    from: NaiveDate,
    to: NaiveDate,
    mut visit: impl FnMut(SalesFact) -> ControlFlow<()>,
) -> Result<()> {
    let mut failure = None;
    scan_fact_records(tx, from, to, |r| match document::decode::<SalesFact>(r) {
        Ok(f) => visit(f.value),
        Err(e) => {
            failure = Some(e);
            ControlFlow::Break(())
        }
    })?;
    failure.map_or(Ok(()), Err)
}

/// Reads the facts dated `from..=to` on every core: this thread scans the store and hands
/// chunks of undecoded documents, numbered in scan order, to worker threads; each worker
/// folds its chunks into its own state (`init`, then `fold(state, chunk number, bodies)`).
/// Returns the workers' states; decoding, most of the cost of reading, runs in parallel.
pub fn fold_fact_chunks<S: Send>(
    tx: &mut dyn Transaction,
    from: NaiveDate,
    to: NaiveDate,
    init: impl Fn() -> S + Sync,
    fold: impl Fn(&mut S, usize, Vec<String>) -> Result<()> + Sync,
) -> Result<Vec<S>> {
    use std::sync::{Arc, Mutex, mpsc};
    const CHUNK: usize = 4096;
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<(usize, Vec<String>)>(workers * 2);
        let receive = Arc::new(Mutex::new(receive));
        let (init, fold) = (&init, &fold);
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
                        let Ok((n, bodies)) = next else { break };
                        // After a failure, keep draining so that the scanner never blocks.
                        if result.is_ok() {
                            result = fold(&mut state, n, bodies);
                        }
                    }
                    result.map(|_| state)
                })
            })
            .collect();
        drop(receive);
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut sent = 0;
        let scanned = scan_fact_records(tx, from, to, |r| {
            chunk.push(r.body);
            if chunk.len() == CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                if send.send((sent, full)).is_err() {
                    return ControlFlow::Break(());
                }
                sent += 1;
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
