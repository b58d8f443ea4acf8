//! `kis.ManualClock`: a clock that moves only when told (tests, simulations).

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use pyo3::prelude::*;

/// A clock standing still at a given instant until moved.
#[pyclass(module = "kis", name = "ManualClock", frozen)]
pub struct PyManualClock {
    pub(crate) inner: Arc<kis::ManualClock>,
}

#[pymethods]
impl PyManualClock {
    /// A clock stopped at `now` (a timezone-aware datetime).
    #[new]
    fn new(now: DateTime<Utc>) -> Self {
        PyManualClock {
            inner: Arc::new(kis::ManualClock::new(now)),
        }
    }

    /// The current instant.
    fn now(&self) -> DateTime<Utc> {
        kis::Clock::now(self.inner.as_ref())
    }

    /// Moves the clock to `now`.
    fn set(&self, now: DateTime<Utc>) {
        self.inner.set(now);
    }

    /// Moves the clock forward by `delta` (a timedelta); a move past year 9999 raises
    /// `kis.InvalidInput` and leaves the clock where it was.
    fn advance(&self, py: Python<'_>, delta: TimeDelta) -> PyResult<()> {
        self.inner
            .advance(delta)
            .map_err(|e| crate::errors::to_py(py, e.into()))
    }
}
