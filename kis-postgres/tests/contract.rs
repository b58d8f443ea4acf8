//! The storage contract suite on PostgreSQL, each case in a fresh schema.
//!
//! Needs a server: `KIS_TEST_POSTGRES_URL` (scripts/test.sh starts a throwaway one). Without
//! it the cases fail, unless `KIS_SKIP_POSTGRES=1` says to skip them (printed, not silent).

mod support;

kis_core::store_contract_tests!(match support::fresh_store() {
    Some(store) => store,
    None => return,
});
