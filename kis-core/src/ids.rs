//! Named identifier types, so that a user id can never be passed where a team id is meant.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Checks an identifier given by a caller (see [`crate::input::id`]): non-empty, at
/// most 128 bytes, no control characters and no `/` (ids are used in store keys).
pub fn validate_id(field: &str, value: &str) -> Result<(), Error> {
    crate::input::id(field, value).map_err(Error::from)
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// Wraps an id string (validated when a command uses it).
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }
            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }
    };
}

id_type!(
    /// Identifies a user (a member of the sales organisation, P2).
    UserId
);
id_type!(
    /// Identifies a team: a manager and their reps (P2.1).
    TeamId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        assert!(validate_id("id", "U-1").is_ok());
        for bad in ["", "  ", " U", "a/b", "a\nb"] {
            assert!(validate_id("id", bad).is_err(), "{bad:?} accepted");
        }
        assert!(validate_id("id", &"x".repeat(129)).is_err());
    }
}
