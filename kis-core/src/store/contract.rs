//! The storage contract suite: one set of tests that every backend must pass.
//!
//! A backend's test file calls [`store_contract_tests!`](crate::store_contract_tests)
//! with an expression that makes a fresh, empty store; each case becomes its own test.

// Test code (built for the backends' tests, feature `contract-tests`): a failed
// expectation is meant to panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use std::ops::ControlFlow;
use std::sync::{Arc, Barrier};
use std::thread;

use rust_decimal::Decimal;

use super::{
    AuditFilter, AuditRecord, Blob, DocKey, Expected, Store, StoreError, TxMode, read, write,
};

fn dec(s: &str) -> Decimal {
    s.parse().expect("test decimal")
}

/// Generates one `#[test]` per contract case for the store made by `$make`.
#[macro_export]
macro_rules! store_contract_tests {
    ($make:expr) => {
        $crate::store_contract_tests!(@cases $make;
            round_trip, versions_increase, delete_needs_the_current_version, stale_write_is_conflict, insert_twice_is_conflict,
            rollback_on_error, rollback_on_drop, scan_is_ordered_and_prefixed, scan_can_stop,
            read_tx_refuses_writes, counter_respects_ceiling_and_floor, counter_rolls_back,
            audit_is_append_only_and_gapless, audit_filters_by_document,
            racing_counter_updates_never_both_win, racing_versioned_writes_never_both_win,
            many_threads_never_overspend, blob_round_trip_and_floor, blob_scan_is_ordered_and_bounded,
            blob_writes_roll_back);
    };
    (@cases $make:expr; $($case:ident),*) => {
        $(
            #[test]
            fn $case() {
                let store = $make;
                $crate::store::contract::$case(::std::sync::Arc::new(store));
            }
        )*
    };
}

/// A document written is read back as written, with version 1.
pub fn round_trip(store: Arc<impl Store + 'static>) {
    write(store.as_ref(), |tx| {
        tx.put("things", "a", r#"{"x":"1.10"}"#, Expected::Absent)
    })
    .unwrap();
    let rec = read(store.as_ref(), |tx| tx.get("things", "a"))
        .unwrap()
        .unwrap();
    assert_eq!(rec.id, "a");
    assert_eq!(rec.version, 1);
    assert_eq!(rec.body, r#"{"x":"1.10"}"#);
    let missing = read(store.as_ref(), |tx| tx.get("things", "b")).unwrap();
    assert!(missing.is_none());
    let other_collection = read(store.as_ref(), |tx| tx.get("others", "a")).unwrap();
    assert!(other_collection.is_none());
}

/// A delete at the current version removes the document; a stale one is `Conflict`;
/// a deleted id can be inserted again; a delete rolls back with its transaction.
pub fn delete_needs_the_current_version(store: Arc<impl Store + 'static>) {
    let s = store.as_ref();
    write(s, |tx| tx.put("q", "a", "1", Expected::Absent)).unwrap();
    write(s, |tx| tx.put("q", "a", "2", Expected::Version(1))).unwrap();
    let stale = write(s, |tx| tx.delete("q", "a", 1)).unwrap_err();
    assert!(
        matches!(
            stale,
            StoreError::Conflict {
                expected: Some(1),
                actual: Some(2),
                ..
            }
        ),
        "{stale:?}"
    );
    let missing = write(s, |tx| tx.delete("q", "zz", 1)).unwrap_err();
    assert!(matches!(missing, StoreError::Conflict { actual: None, .. }));
    {
        let mut tx = s.begin(TxMode::Write).unwrap();
        tx.delete("q", "a", 2).unwrap();
    }
    assert!(
        read(s, |tx| tx.get("q", "a")).unwrap().is_some(),
        "rolled back"
    );
    write(s, |tx| tx.delete("q", "a", 2)).unwrap();
    assert!(read(s, |tx| tx.get("q", "a")).unwrap().is_none());
    assert_eq!(
        write(s, |tx| tx.put("q", "a", "new", Expected::Absent)).unwrap(),
        1
    );
    let mut tx = s.begin(TxMode::Read).unwrap();
    assert_eq!(tx.delete("q", "a", 1), Err(StoreError::ReadOnly));
}

/// Each write increments the version by one.
pub fn versions_increase(store: Arc<impl Store + 'static>) {
    let v1 = write(store.as_ref(), |tx| tx.put("t", "a", "1", Expected::Absent)).unwrap();
    let v2 = write(store.as_ref(), |tx| {
        tx.put("t", "a", "2", Expected::Version(1))
    })
    .unwrap();
    let v3 = write(store.as_ref(), |tx| {
        tx.put("t", "a", "3", Expected::Version(2))
    })
    .unwrap();
    assert_eq!((v1, v2, v3), (1, 2, 3));
    let rec = read(store.as_ref(), |tx| tx.get("t", "a"))
        .unwrap()
        .unwrap();
    assert_eq!((rec.version, rec.body.as_str()), (3, "3"));
}

/// A writer that read version 1 after someone else wrote version 2 gets `Conflict`.
pub fn stale_write_is_conflict(store: Arc<impl Store + 'static>) {
    write(store.as_ref(), |tx| tx.put("t", "a", "1", Expected::Absent)).unwrap();
    write(store.as_ref(), |tx| {
        tx.put("t", "a", "2", Expected::Version(1))
    })
    .unwrap();
    let err = write(store.as_ref(), |tx| {
        tx.put("t", "a", "stale", Expected::Version(1))
    })
    .unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict {
            collection: "t".into(),
            id: "a".into(),
            expected: Some(1),
            actual: Some(2)
        }
    );
    let rec = read(store.as_ref(), |tx| tx.get("t", "a"))
        .unwrap()
        .unwrap();
    assert_eq!(rec.body, "2", "a stale write must not overwrite");
    let err = write(store.as_ref(), |tx| {
        tx.put("t", "zz", "x", Expected::Version(1))
    })
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { actual: None, .. }));
}

/// Inserting an id that exists is `Conflict`.
pub fn insert_twice_is_conflict(store: Arc<impl Store + 'static>) {
    write(store.as_ref(), |tx| tx.put("t", "a", "1", Expected::Absent)).unwrap();
    let err = write(store.as_ref(), |tx| {
        tx.put("t", "a", "again", Expected::Absent)
    })
    .unwrap_err();
    assert!(matches!(
        err,
        StoreError::Conflict {
            expected: None,
            actual: Some(1),
            ..
        }
    ));
}

/// An error inside a write transaction leaves nothing behind.
pub fn rollback_on_error(store: Arc<impl Store + 'static>) {
    write(store.as_ref(), |tx| {
        tx.put("t", "keep", "1", Expected::Absent)
    })
    .unwrap();
    let result: Result<(), StoreError> = write(store.as_ref(), |tx| {
        tx.put("t", "new", "x", Expected::Absent)?;
        tx.put("t", "keep", "changed", Expected::Version(1))?;
        tx.counter_add("c", dec("5"), None)?;
        tx.audit_append(&record(1, "h1", &[]))?;
        // A later step fails: everything above must be undone.
        tx.put("t", "keep", "conflict", Expected::Version(1))?;
        Ok(())
    });
    assert!(result.is_err());
    read(store.as_ref(), |tx| {
        assert!(tx.get("t", "new")?.is_none());
        assert_eq!(tx.get("t", "keep")?.unwrap().body, "1");
        assert_eq!(tx.counter_get("c")?, Decimal::ZERO);
        assert_eq!(tx.audit_head()?, None);
        Ok::<_, StoreError>(())
    })
    .unwrap();
}

/// Dropping a transaction without commit rolls it back, and the store stays usable.
pub fn rollback_on_drop(store: Arc<impl Store + 'static>) {
    {
        let mut tx = store.begin(TxMode::Write).unwrap();
        tx.put("t", "a", "1", Expected::Absent).unwrap();
    }
    assert!(
        read(store.as_ref(), |tx| tx.get("t", "a"))
            .unwrap()
            .is_none()
    );
    write(store.as_ref(), |tx| tx.put("t", "a", "1", Expected::Absent)).unwrap();
}

/// Scans visit a collection's documents by id prefix, in ascending id order.
pub fn scan_is_ordered_and_prefixed(store: Arc<impl Store + 'static>) {
    write(store.as_ref(), |tx| {
        for id in ["q-3", "q-1", "q-10", "q-2", "r-1", "q"] {
            tx.put("docs", id, &format!("\"{id}\""), Expected::Absent)?;
        }
        tx.put("other", "q-0", "\"x\"", Expected::Absent)?;
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let mut seen = Vec::new();
    read(store.as_ref(), |tx| {
        tx.scan("docs", "q-", &mut |r| {
            seen.push((r.id, r.version));
            ControlFlow::Continue(())
        })
    })
    .unwrap();
    let ids: Vec<&str> = seen.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["q-1", "q-10", "q-2", "q-3"]);
    assert!(seen.iter().all(|(_, v)| *v == 1));
    let mut all = 0;
    read(store.as_ref(), |tx| {
        tx.scan("docs", "", &mut |_| {
            all += 1;
            ControlFlow::Continue(())
        })
    })
    .unwrap();
    assert_eq!(all, 6);
}

/// A visitor that breaks stops the scan.
pub fn scan_can_stop(store: Arc<impl Store + 'static>) {
    write(store.as_ref(), |tx| {
        for i in 0..50 {
            tx.put("n", &format!("{i:03}"), "0", Expected::Absent)?;
        }
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let mut seen = 0;
    read(store.as_ref(), |tx| {
        tx.scan("n", "", &mut |_| {
            seen += 1;
            if seen == 3 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
    })
    .unwrap();
    assert_eq!(seen, 3);
}

/// Writes in a read transaction are refused.
pub fn read_tx_refuses_writes(store: Arc<impl Store + 'static>) {
    let mut tx = store.begin(TxMode::Read).unwrap();
    assert_eq!(
        tx.put("t", "a", "1", Expected::Absent),
        Err(StoreError::ReadOnly)
    );
    assert_eq!(
        tx.counter_add("c", dec("1"), None),
        Err(StoreError::ReadOnly)
    );
    drop(tx);
}

/// A counter passes its ceiling or drops below zero never; a refused add changes nothing.
pub fn counter_respects_ceiling_and_floor(store: Arc<impl Store + 'static>) {
    let s = store.as_ref();
    assert_eq!(
        write(s, |tx| tx.counter_add("b", dec("60.10"), Some(dec("100")))).unwrap(),
        dec("60.10")
    );
    let err = write(s, |tx| tx.counter_add("b", dec("39.91"), Some(dec("100")))).unwrap_err();
    assert_eq!(
        err,
        StoreError::LimitExceeded {
            key: "b".into(),
            current: dec("60.10"),
            delta: dec("39.91"),
            ceiling: Some(dec("100"))
        }
    );
    assert_eq!(
        write(s, |tx| tx.counter_add("b", dec("39.90"), Some(dec("100")))).unwrap(),
        dec("100.00")
    );
    // Releasing is always allowed down to zero, even over the ceiling; never below zero.
    assert_eq!(
        write(s, |tx| tx.counter_add("b", dec("-100"), Some(dec("1")))).unwrap(),
        dec("0.00")
    );
    let err = write(s, |tx| tx.counter_add("b", dec("-0.01"), None)).unwrap_err();
    assert!(matches!(
        err,
        StoreError::LimitExceeded { ceiling: None, .. }
    ));
    assert_eq!(read(s, |tx| tx.counter_get("b")).unwrap(), Decimal::ZERO);
    assert_eq!(
        read(s, |tx| tx.counter_get("never")).unwrap(),
        Decimal::ZERO
    );
}

/// Counter changes roll back with their transaction.
pub fn counter_rolls_back(store: Arc<impl Store + 'static>) {
    let s = store.as_ref();
    write(s, |tx| tx.counter_add("k", dec("1.5"), None)).unwrap();
    {
        let mut tx = s.begin(TxMode::Write).unwrap();
        tx.counter_add("k", dec("2"), None).unwrap();
    }
    assert_eq!(read(s, |tx| tx.counter_get("k")).unwrap(), dec("1.5"));
}

fn record(seq: u64, hash: &str, docs: &[(&str, &str)]) -> AuditRecord {
    AuditRecord {
        seq,
        hash: hash.to_string(),
        documents: docs.iter().map(|(c, i)| DocKey::new(*c, *i)).collect(),
        entry: format!(r#"{{"seq":{seq}}}"#),
    }
}

/// The audit log takes records in sequence without gaps and reports its head.
pub fn audit_is_append_only_and_gapless(store: Arc<impl Store + 'static>) {
    let s = store.as_ref();
    assert_eq!(read(s, |tx| tx.audit_head()).unwrap(), None);
    write(s, |tx| {
        tx.audit_append(&record(1, "h1", &[("users", "u1")]))
    })
    .unwrap();
    write(s, |tx| tx.audit_append(&record(2, "h2", &[]))).unwrap();
    assert_eq!(
        read(s, |tx| tx.audit_head()).unwrap(),
        Some((2, "h2".to_string()))
    );
    let gap = write(s, |tx| tx.audit_append(&record(4, "h4", &[]))).unwrap_err();
    assert!(matches!(gap, StoreError::Conflict { .. }));
    let dup = write(s, |tx| tx.audit_append(&record(2, "h2b", &[]))).unwrap_err();
    assert!(matches!(dup, StoreError::Conflict { .. }));
    let mut seen = Vec::new();
    read(s, |tx| {
        tx.audit_scan(&AuditFilter::default(), &mut |r| {
            seen.push(r);
            ControlFlow::Continue(())
        })
    })
    .unwrap();
    assert_eq!(
        seen,
        vec![record(1, "h1", &[("users", "u1")]), record(2, "h2", &[])]
    );
}

/// The audit log can be read for one document, or from a sequence number on.
pub fn audit_filters_by_document(store: Arc<impl Store + 'static>) {
    let s = store.as_ref();
    write(s, |tx| {
        tx.audit_append(&record(1, "h1", &[("users", "a")]))?;
        tx.audit_append(&record(2, "h2", &[("users", "b"), ("teams", "t")]))?;
        tx.audit_append(&record(3, "h3", &[("users", "a")]))?;
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let seqs = |filter: AuditFilter| {
        let mut out = Vec::new();
        read(s, |tx| {
            tx.audit_scan(&filter, &mut |r| {
                out.push(r.seq);
                ControlFlow::Continue(())
            })
        })
        .unwrap();
        out
    };
    let doc = |c: &str, i: &str| Some(DocKey::new(c, i));
    assert_eq!(
        seqs(AuditFilter {
            from_seq: 0,
            document: doc("users", "a")
        }),
        [1, 3]
    );
    assert_eq!(
        seqs(AuditFilter {
            from_seq: 0,
            document: doc("teams", "t")
        }),
        [2]
    );
    assert_eq!(
        seqs(AuditFilter {
            from_seq: 2,
            document: None
        }),
        [2, 3]
    );
    assert_eq!(
        seqs(AuditFilter {
            from_seq: 2,
            document: doc("users", "a")
        }),
        [3]
    );
}

/// Two threads adding to one counter under a ceiling that fits only one: one wins.
pub fn racing_counter_updates_never_both_win(store: Arc<impl Store + 'static>) {
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let store = Arc::clone(&store);
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                write(store.as_ref(), |tx| {
                    tx.counter_add("budget", dec("60"), Some(dec("100")))
                })
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "results: {results:?}");
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(StoreError::LimitExceeded { .. })))
    );
    assert_eq!(
        read(store.as_ref(), |tx| tx.counter_get("budget")).unwrap(),
        dec("60")
    );
}

/// Two writers that both read version 1 and then both write: exactly one wins.
pub fn racing_versioned_writes_never_both_win(store: Arc<impl Store + 'static>) {
    write(store.as_ref(), |tx| {
        tx.put("steps", "s", "\"pending\"", Expected::Absent)
    })
    .unwrap();
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|n| {
            let store = Arc::clone(&store);
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                let seen = read(store.as_ref(), |tx| tx.get("steps", "s"))
                    .unwrap()
                    .unwrap();
                barrier.wait();
                let body = format!("\"approved by {n}\"");
                write(store.as_ref(), |tx| {
                    tx.put("steps", "s", &body, Expected::Version(seen.version))
                })
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(StoreError::Conflict { .. })))
    );
    let rec = read(store.as_ref(), |tx| tx.get("steps", "s"))
        .unwrap()
        .unwrap();
    assert_eq!(rec.version, 2);
}

/// Many threads reserving random amounts against one budget never pass it, and the
/// counter equals the sum of the reservations that succeeded (nothing lost).
pub fn many_threads_never_overspend(store: Arc<impl Store + 'static>) {
    let ceiling = dec("1000.00");
    let handles: Vec<_> = (0..4u64)
        .map(|t| {
            let store = Arc::clone(&store);
            thread::spawn(move || {
                let mut granted = Decimal::ZERO;
                let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ t;
                for _ in 0..60 {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let amount = Decimal::new((seed % 5000) as i64 + 1, 2);
                    let r = write(store.as_ref(), |tx| {
                        tx.counter_add("pool", amount, Some(dec("1000.00")))
                    });
                    match r {
                        Ok(_) => granted += amount,
                        Err(StoreError::LimitExceeded { .. }) => {}
                        Err(e) => panic!("unexpected store error: {e}"),
                    }
                }
                granted
            })
        })
        .collect();
    let granted: Decimal = handles.into_iter().map(|h| h.join().unwrap()).sum();
    let stored = read(store.as_ref(), |tx| tx.counter_get("pool")).unwrap();
    assert_eq!(stored, granted);
    assert!(stored <= ceiling);
}

/// Every byte value, and a blob larger than a database page.
fn awkward_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

/// Binary documents come back byte for byte with their versions; a stale write is
/// `Conflict`; `blob_floor` finds the greatest id at or below a key, within one
/// collection; JSON documents with the same id are separate.
pub fn blob_round_trip_and_floor(store: Arc<impl Store + 'static>) {
    let big = awkward_bytes(300_000);
    write(store.as_ref(), |tx| {
        assert_eq!(
            tx.blob_put("seg", "2026-03", &[0, 255, 1], Expected::Absent)?,
            1
        );
        assert_eq!(
            tx.blob_put("seg", "2026-03-10:b", &big, Expected::Absent)?,
            1
        );
        assert_eq!(
            tx.blob_put("zzz", "2026-03-20", b"other", Expected::Absent)?,
            1
        );
        tx.put("seg", "2026-03", "\"json\"", Expected::Absent)?;
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let stale = write(store.as_ref(), |tx| {
        tx.blob_put("seg", "2026-03", b"x", Expected::Absent)
    });
    assert!(matches!(
        stale,
        Err(StoreError::Conflict {
            actual: Some(1),
            ..
        })
    ));
    let v2 = write(store.as_ref(), |tx| {
        tx.blob_put("seg", "2026-03", b"", Expected::Version(1))
    })
    .unwrap();
    assert_eq!(v2, 2);
    let floor = |key: &str| {
        read(store.as_ref(), |tx| tx.blob_floor("seg", key))
            .unwrap()
            .map(|b: Blob| (b.id, b.version, b.bytes.len()))
    };
    assert_eq!(floor("2026-02-28"), None);
    assert_eq!(floor("2026-03"), Some(("2026-03".into(), 2, 0)));
    assert_eq!(floor("2026-03-10:a"), Some(("2026-03".into(), 2, 0)));
    assert_eq!(
        floor("2026-03-10:b"),
        Some(("2026-03-10:b".into(), 1, big.len()))
    );
    assert_eq!(floor("2027"), Some(("2026-03-10:b".into(), 1, big.len())));
    let back = read(store.as_ref(), |tx| tx.blob_floor("seg", "2026-03-10:c"))
        .unwrap()
        .unwrap();
    assert_eq!(back.bytes, big);
    let json = read(store.as_ref(), |tx| tx.get("seg", "2026-03"))
        .unwrap()
        .unwrap();
    assert_eq!(json.body, "\"json\"");
}

/// Blob scans visit ids in `from..until` in ascending byte order, and stop on request.
pub fn blob_scan_is_ordered_and_bounded(store: Arc<impl Store + 'static>) {
    write(store.as_ref(), |tx| {
        for id in ["b-2", "a", "b-10", "b-1", "c", "b"] {
            tx.blob_put("seg", id, id.as_bytes(), Expected::Absent)?;
        }
        tx.blob_put("other", "b-3", b"x", Expected::Absent)?;
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let scan = |from: &str, until: &str, stop_after: usize| {
        let mut seen = Vec::new();
        read(store.as_ref(), |tx| {
            tx.blob_scan("seg", from, until, &mut |id, version, bytes| {
                assert_eq!(version, 1);
                assert_eq!(bytes, id.as_bytes());
                seen.push(id.to_string());
                if seen.len() == stop_after {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
        })
        .unwrap();
        seen
    };
    assert_eq!(scan("b", "c", 99), ["b", "b-1", "b-10", "b-2"]);
    assert_eq!(
        scan("", "\u{10FFFF}", 99),
        ["a", "b", "b-1", "b-10", "b-2", "c"]
    );
    assert_eq!(scan("b-1", "b-2", 99), ["b-1", "b-10"]);
    assert_eq!(scan("a", "z", 2), ["a", "b"]);
    assert!(scan("c", "b", 99).is_empty());
    assert!(scan("b", "b", 99).is_empty());
}

/// A blob written in a transaction that fails or is dropped is not there afterwards,
/// and an overwritten one is restored.
pub fn blob_writes_roll_back(store: Arc<impl Store + 'static>) {
    write(store.as_ref(), |tx| {
        tx.blob_put("seg", "k", b"first", Expected::Absent)
    })
    .unwrap();
    let failed: Result<(), StoreError> = write(store.as_ref(), |tx| {
        tx.blob_put("seg", "k", b"second", Expected::Version(1))?;
        tx.blob_put("seg", "new", b"x", Expected::Absent)?;
        tx.blob_put("seg", "k", b"third", Expected::Version(1))?;
        Ok(())
    });
    assert!(matches!(failed, Err(StoreError::Conflict { .. })));
    {
        let mut tx = store.begin(TxMode::Write).unwrap();
        tx.blob_put("seg", "dropped", b"y", Expected::Absent)
            .unwrap();
    }
    let refused = read(store.as_ref(), |tx| {
        tx.blob_put("seg", "r", b"z", Expected::Absent)
    });
    assert_eq!(refused, Err(StoreError::ReadOnly));
    let mut seen = Vec::new();
    read(store.as_ref(), |tx| {
        tx.blob_scan("seg", "", "~", &mut |id, version, bytes| {
            seen.push((id.to_string(), version, bytes.to_vec()));
            ControlFlow::Continue(())
        })
    })
    .unwrap();
    assert_eq!(seen, [("k".to_string(), 1, b"first".to_vec())]);
}
