//! What a command prints: text for people, or one JSON document for scripts.

use serde::Serialize;

/// Why a command did not end with success.
#[derive(Debug)]
pub enum Failure {
    /// The command ran and its answer is no (it printed why): exit code 1.
    No,
    /// The command could not run: exit code 3, with the message.
    Error(String),
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure::Error(e.to_string())
    }
}

/// A command's result.
pub type Outcome = Result<(), Failure>;

/// The output mode.
pub struct Out {
    json: bool,
}

impl Out {
    pub fn new(json: bool) -> Out {
        Out { json }
    }

    /// Whether JSON was asked for.
    pub fn json(&self) -> bool {
        self.json
    }

    /// Prints `value` as JSON when asked for, else `text()`.
    pub fn print<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(s) => println!("{s}"),
                Err(e) => eprintln!("kis: {e}"),
            }
        } else {
            let text = text();
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
        }
    }

    /// Reports a failure that stops the command.
    pub fn error(&self, message: &str) {
        if self.json {
            println!("{}", serde_json::json!({ "error": message }));
        } else {
            eprintln!("kis: {message}");
        }
    }
}
