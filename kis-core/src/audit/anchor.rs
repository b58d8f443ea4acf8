//! The audit anchor: the trail's position and head hash at a moment, which the host
//! keeps outside the store (another database, a log shipper, a signed e-mail). A chain
//! verifies itself only against itself; whoever can write the store can rewrite an
//! entry and re-hash everything after it, or cut the tail off. Checked against an
//! anchor taken earlier, both show. Signed with a key the host holds (HMAC-SHA256),
//! the anchor itself cannot be forged by whoever reaches the store.

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{Error, InvalidInput, Result};

/// The trail's position and head hash, optionally signed (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditAnchor {
    /// The sequence number of the last entry when the anchor was taken (0: empty).
    pub seq: u64,
    /// That entry's hash (empty for an empty trail).
    pub head_hash: String,
    /// HMAC-SHA256 (hex) of the anchor under the host's key, when it was given one.
    pub mac: Option<String>,
}

impl AuditAnchor {
    /// An anchor at `seq` with `head_hash`, signed with `key` when there is one.
    pub fn new(seq: u64, head_hash: String, key: Option<&[u8]>) -> Result<AuditAnchor> {
        let mut anchor = AuditAnchor {
            seq,
            head_hash,
            mac: None,
        };
        if let Some(key) = key {
            anchor.mac = Some(hex::encode(anchor.mac_of(key)?.finalize().into_bytes()));
        }
        Ok(anchor)
    }

    /// The MAC over the anchor's fields: a fixed label, the sequence and the hash.
    fn mac_of(&self, key: &[u8]) -> Result<Hmac<Sha256>> {
        if key.is_empty() {
            return Err(InvalidInput::new("key", "an anchor key must not be empty").into());
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(key)
            .map_err(|e| InvalidInput::new("key", e.to_string()))?;
        mac.update(format!("kis audit anchor 1\n{}\n{}", self.seq, self.head_hash).as_bytes());
        Ok(mac)
    }

    /// Checks the signature: a signed anchor needs its key and must verify under it; an
    /// unsigned one takes no key.
    pub fn check_signature(&self, key: Option<&[u8]>) -> Result<()> {
        let refuse = |reason: &str| -> Result<()> {
            Err(Error::Invalid(InvalidInput::new("anchor", reason)))
        };
        match (&self.mac, key) {
            (None, None) => Ok(()),
            (None, Some(_)) => refuse("is not signed, but a key was given"),
            (Some(_), None) => refuse("is signed: pass the key it was signed with"),
            (Some(mac), Some(key)) => {
                let Ok(bytes) = hex::decode(mac) else {
                    return refuse("its signature is not hex");
                };
                if self.mac_of(key)?.verify_slice(&bytes).is_err() {
                    return refuse(
                        "its signature does not match: the anchor was altered, or signed with another key",
                    );
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_anchor_verifies_only_with_its_key_and_fields() {
        let a = AuditAnchor::new(7, "ab".into(), Some(b"secret")).unwrap();
        assert!(a.check_signature(Some(b"secret")).is_ok());
        assert!(a.check_signature(Some(b"other")).is_err());
        assert!(a.check_signature(None).is_err());
        let mut moved = a.clone();
        moved.seq = 6;
        assert!(moved.check_signature(Some(b"secret")).is_err());
        let plain = AuditAnchor::new(7, "ab".into(), None).unwrap();
        assert!(plain.check_signature(None).is_ok());
        assert!(plain.check_signature(Some(b"secret")).is_err());
        assert!(AuditAnchor::new(1, "x".into(), Some(b"")).is_err());
    }
}
