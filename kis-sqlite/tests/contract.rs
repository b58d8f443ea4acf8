//! The storage contract suite on SQLite: in memory, and on a WAL file.

mod in_memory {
    kis_core::store_contract_tests!(kis_sqlite::SqliteStore::open_in_memory().expect("open"));
}

mod on_file {
    fn fresh() -> kis_sqlite::SqliteStore {
        // The directory must outlive the store; leak it for the test's lifetime.
        let dir = Box::leak(Box::new(tempfile::tempdir().expect("tempdir")));
        kis_sqlite::SqliteStore::open(dir.path().join("contract.db")).expect("open")
    }
    kis_core::store_contract_tests!(fresh());
}
