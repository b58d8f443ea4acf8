//! Collects the problems found while validating a policy, each at its key path.

use super::locate::Seg;

/// A key path under construction.
#[derive(Debug, Clone, Default)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    /// The root of the file.
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }
    /// This path followed by a table key.
    pub fn k(&self, key: &str) -> Self {
        let mut p = self.0.clone();
        p.push(Seg::Key(key.to_string()));
        KeyPath(p)
    }
    /// This path followed by an array index.
    pub fn i(&self, index: usize) -> Self {
        let mut p = self.0.clone();
        p.push(Seg::Index(index));
        KeyPath(p)
    }
}

/// The problems found so far.
#[derive(Debug, Default)]
pub struct Check {
    /// Each problem: where and what.
    pub problems: Vec<(KeyPath, String)>,
}

impl Check {
    /// Records a problem at `path`.
    pub fn fail(&mut self, path: &KeyPath, message: impl Into<String>) {
        self.problems.push((path.clone(), message.into()));
    }

    /// Records a problem at `path` unless `ok`.
    pub fn ensure(&mut self, ok: bool, path: &KeyPath, message: impl FnOnce() -> String) {
        if !ok {
            self.fail(path, message());
        }
    }
}
