//! #16: bits flipped in a fact segment stored in the SQLite file (on disk, behind the
//! engine's back) are caught on read, every one: a `Corrupt` error naming the segment,
//! never changed facts, never a panic.

use std::ops::ControlFlow;
use std::sync::Arc;

use chrono::NaiveDate;
use kis_core::ids::UserId;
use kis_core::sales::{Credit, SalesFact, append_facts, scan_facts};
use kis_core::store::{self, Store, StoreError};
use kis_core::{Currency, Error};
use kis_sqlite::SqliteStore;
use rust_decimal::Decimal;

fn facts() -> Vec<SalesFact> {
    (1..=40)
        .map(|i| {
            let date = NaiveDate::from_ymd_opt(2026, 3, 1 + i % 28).unwrap();
            SalesFact {
                id: SalesFact::make_id(date, &format!("O-{i}"), 1),
                date,
                order: format!("O-{i}"),
                contract: format!("K-{i}"),
                customer: format!("C-{}", i % 5),
                product: "KIS-PRO".into(),
                quantity: Decimal::from(i),
                amount: Decimal::new(i64::from(i) * 100_050, 2),
                cost: Decimal::new(i64::from(i) * 60_000, 2),
                currency: Currency::new("CNY").unwrap(),
                credits: vec![Credit {
                    rep: UserId::from("li"),
                    share_pct: Decimal::ONE_HUNDRED,
                }],
            }
        })
        .collect()
}

fn read_all(store: &dyn Store) -> Result<Vec<SalesFact>, Error> {
    store::read(store, |tx| {
        let mut out = Vec::new();
        scan_facts(
            tx,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            |f| {
                out.push(f);
                ControlFlow::Continue(())
            },
        )?;
        Ok(out)
    })
}

/// A small deterministic generator (no dependency for one test).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn every_flipped_bit_of_a_stored_segment_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.db");
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    store::write(store.as_ref(), |tx| append_facts(tx, &facts())).unwrap();
    let written = read_all(store.as_ref()).unwrap();
    assert_eq!(written.len(), 40);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (rowid, original): (i64, Vec<u8>) = conn
        .query_row("SELECT rowid, body FROM blobs LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let (mut caught, mut silent, mut panicked) = (0, 0, 0);
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..64 {
        let bit = (next(&mut state) % (original.len() as u64 * 8)) as usize;
        let mut damaged = original.clone();
        damaged[bit / 8] ^= 1 << (bit % 8);
        conn.execute(
            "UPDATE blobs SET body = ?1 WHERE rowid = ?2",
            rusqlite::params![damaged, rowid],
        )
        .unwrap();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_all(store.as_ref()))) {
            Err(_) => panicked += 1,
            Ok(Ok(facts)) => {
                assert_ne!(
                    facts, written,
                    "bit {bit}: a damaged segment read back the same"
                );
                silent += 1;
            }
            Ok(Err(Error::Store(StoreError::Corrupt { message, .. }))) => {
                assert!(message.contains("fact_segments/"), "{message}");
                caught += 1;
            }
            Ok(Err(other)) => panic!("bit {bit}: unexpected error {other}"),
        }
    }
    println!("64 random bit flips: {caught} caught, {silent} silent, {panicked} panics");
    assert_eq!((caught, silent, panicked), (64, 0, 0));
    conn.execute(
        "UPDATE blobs SET body = ?1 WHERE rowid = ?2",
        rusqlite::params![original, rowid],
    )
    .unwrap();
    assert_eq!(read_all(store.as_ref()).unwrap(), written);
}

/// A document whose row was damaged in the file is refused on read, naming it.
#[test]
fn a_damaged_document_is_refused_on_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docs.db");
    let store = SqliteStore::open(&path).unwrap();
    store::write(&store, |tx| {
        tx.put(
            "quotes",
            "Q-1",
            r#"{"total":"100.00"}"#,
            kis_core::store::Expected::Absent,
        )
    })
    .unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE documents SET body = replace(body, '100.00', '900.00') WHERE id = 'Q-1'",
        [],
    )
    .unwrap();
    match store::read(&store, |tx| tx.get("quotes", "Q-1")) {
        Err(StoreError::Corrupt { message, .. }) => {
            assert!(message.contains("quotes/Q-1"), "{message}")
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}
