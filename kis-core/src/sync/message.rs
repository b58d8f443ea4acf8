//! The messages of sync (#18), as the bytes an app carries over its own HTTPS: a
//! snapshot to seed a replica, a push of its queued commands, and the server's reply.
//! Each carries the protocol version first, so that a phone on an older kis gets a clear
//! "upgrade" error instead of a misread message.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::Problem;
use crate::error::{Error, Result};
use crate::feed::{ChangeBatch, ChangeEvent};
use crate::ids::UserId;

/// The version of the sync messages this kis reads and writes.
pub const PROTOCOL: u32 = 1;

/// The largest message accepted (a snapshot of a rep with thousands of customers and a
/// large price book fits well below).
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// What a replica starts from: everything its actor may read, as of `cursor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Snapshot {
    /// The sync protocol version ([`PROTOCOL`]).
    pub protocol: u32,
    /// The user the replica is for: who the server authenticated.
    pub actor: UserId,
    /// The feed's cursor the snapshot is as of: the replica follows on from it.
    pub cursor: u64,
    /// The content hash of the policy in force on the server: one of the
    /// `policy_versions` documents, which carry each version's text.
    pub policy: String,
    /// Every document the actor may read, each as a `created` event, in the order a
    /// replica applies them (the directory first).
    pub documents: Vec<ChangeEvent>,
}

/// One command a replica queued while offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QueuedCommand {
    /// Its idempotency key: the server runs it once, however often it is pushed.
    pub key: String,
    /// The API entry (`create_quote`, `log_visit`...).
    pub entry: String,
    /// The request, as the JSON of the entry's request type.
    pub request: Value,
}

/// A replica's push: its queued commands, in the order they were made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Push {
    /// The sync protocol version ([`PROTOCOL`]).
    pub protocol: u32,
    /// The feed's cursor the replica is at: the reply brings what came after it.
    pub cursor: u64,
    /// The queued commands, oldest first. They carry no actor: the server runs each as
    /// the user it authenticated for this push.
    pub commands: Vec<QueuedCommand>,
}

/// How the server took one queued command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Run, under the server's policy in force; `output` is the authoritative result.
    Accepted,
    /// Refused; `problem` says why (not authorised, budget exceeded, the state changed...).
    Rejected,
}

/// The server's answer for one queued command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Outcome {
    /// The command's idempotency key.
    pub key: String,
    /// The API entry.
    pub entry: String,
    /// Accepted or rejected.
    pub verdict: Verdict,
    /// The authoritative result, when accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// Why it was refused, when rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// The server's reply to a push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reply {
    /// The sync protocol version ([`PROTOCOL`]).
    pub protocol: u32,
    /// One outcome per pushed command, in the push's order.
    pub outcomes: Vec<Outcome>,
    /// What changed after the push's cursor that the actor may see, the pushed
    /// commands' effects included.
    pub changes: ChangeBatch,
}

/// A sync message as bytes.
pub trait Message: Serialize + DeserializeOwned {
    /// What the message is, for errors.
    const WHAT: &'static str;

    /// Its protocol version.
    fn protocol(&self) -> u32;

    /// The message as bytes (JSON).
    fn to_bytes(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(|e| Error::invalid(Self::WHAT, e.to_string()))
    }

    /// The message of `bytes`; a message of another protocol version is refused with
    /// an error saying to upgrade, before anything else of it is read.
    fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_MESSAGE {
            return Err(Error::invalid(
                Self::WHAT,
                format!("{} bytes is over the limit of {MAX_MESSAGE}", bytes.len()),
            ));
        }
        #[derive(Deserialize)]
        struct Version {
            protocol: Option<u32>,
        }
        let version: Version = serde_json::from_slice(bytes)
            .map_err(|e| Error::invalid(Self::WHAT, format!("not a kis sync message: {e}")))?;
        match version.protocol {
            Some(PROTOCOL) => {}
            Some(other) => {
                return Err(Error::invalid(
                    "protocol",
                    format!(
                        "this {} is of sync protocol {other}, and this kis speaks {PROTOCOL}: upgrade kis on the {}",
                        Self::WHAT,
                        if other > PROTOCOL {
                            "receiving side"
                        } else {
                            "sending side"
                        }
                    ),
                ));
            }
            None => {
                return Err(Error::invalid(
                    "protocol",
                    "missing: not a kis sync message",
                ));
            }
        }
        serde_json::from_slice(bytes)
            .map_err(|e| Error::invalid(Self::WHAT, format!("cannot be read: {e}")))
    }
}

impl Message for Snapshot {
    const WHAT: &'static str = "snapshot";
    fn protocol(&self) -> u32 {
        self.protocol
    }
}

impl Message for Push {
    const WHAT: &'static str = "push";
    fn protocol(&self) -> u32 {
        self.protocol
    }
}

impl Message for Reply {
    const WHAT: &'static str = "reply";
    fn protocol(&self) -> u32 {
        self.protocol
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_protocol_is_refused_with_upgrade() {
        let push = Push {
            protocol: PROTOCOL,
            cursor: 7,
            commands: vec![],
        };
        let bytes = push.to_bytes().unwrap();
        assert_eq!(Push::from_bytes(&bytes).unwrap(), push);
        let newer = br#"{"protocol": 2, "cursor": 7, "commands": [], "what": "new"}"#;
        let err = Push::from_bytes(newer).unwrap_err().to_string();
        assert!(err.contains("upgrade kis on the receiving side"), "{err}");
        let older = br#"{"protocol": 0}"#;
        let err = Push::from_bytes(older).unwrap_err().to_string();
        assert!(err.contains("upgrade kis on the sending side"), "{err}");
        assert!(
            Push::from_bytes(b"garbage")
                .unwrap_err()
                .to_string()
                .contains("not a kis sync message")
        );
        assert!(
            Push::from_bytes(b"{}")
                .unwrap_err()
                .to_string()
                .contains("protocol")
        );
    }
}
