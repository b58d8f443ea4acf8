//! A key for an encrypted file, given to a build without SQLCipher, is refused at open:
//! never an unencrypted file written as if it were encrypted.

use kis_sqlite::{SqliteOptions, SqliteStore};

#[test]
#[cfg(not(feature = "sqlcipher"))]
fn a_key_without_sqlcipher_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.db");
    let options = SqliteOptions {
        key: Some("correct horse battery staple".into()),
        ..Default::default()
    };
    let err = SqliteStore::open_with(&path, options)
        .unwrap_err()
        .to_string();
    assert!(err.contains("without SQLCipher"), "{err}");
    let written = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    assert_eq!(written, 0, "nothing was written to the file");
}
