//! Rate limiting per credential: a generic cell rate (token bucket) per token id or JWT
//! user, so one busy integration cannot starve the others.

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Requests allowed per credential.
pub struct Limiter {
    inner: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Limiter")
    }
}

impl Limiter {
    /// `per_second` sustained, `burst` at once (both above 0; the configuration checks).
    pub fn new(per_second: u32, burst: u32) -> Self {
        let per_second = NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        Limiter {
            inner: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
            clock: DefaultClock::default(),
        }
    }

    /// `Ok` when `key` may send one more request now; else the seconds to wait.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        // Forget idle credentials now and then, so the map does not grow without end.
        if self.inner.len() > 10_000 {
            self.inner.retain_recent();
        }
        self.inner.check_key(&key.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_past_its_burst_waits_and_others_do_not() {
        let l = Limiter::new(1, 3);
        for _ in 0..3 {
            l.check("token:a").unwrap();
        }
        assert!(l.check("token:a").unwrap_err() >= 1);
        l.check("token:b").unwrap();
    }
}
