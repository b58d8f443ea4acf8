//! Work off the caller's thread, as a future for uniffi's async exports (#20): Kotlin
//! `suspend` and Swift `async` variants of the long calls (a year's scoring, reports,
//! sync), so a phone's main thread never waits on the store.
//!
//! kis-core is synchronous and needs no async runtime, so none is brought in: each call
//! runs on a thread of its own, and its future completes when that thread is done. The
//! foreign side (Kotlin coroutines, Swift concurrency) only polls and is woken once.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use crate::error::KisError;

/// What the worker thread and the future share: the result once there, and who to wake.
struct Slot<T> {
    result: Option<Result<T, KisError>>,
    waker: Option<Waker>,
}

/// A future for `work` running on its own thread (see the module docs).
pub(crate) struct OffThread<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

/// Starts `work` on a new thread now; the future yields its result. A panic in `work`
/// (a bug in kis) becomes an error result rather than a future that never completes.
pub(crate) fn off_thread<T, F>(work: F) -> OffThread<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, KisError> + Send + 'static,
{
    let slot = Arc::new(Mutex::new(Slot {
        result: None,
        waker: None,
    }));
    let shared = Arc::clone(&slot);
    let spawned = std::thread::Builder::new()
        .name("kis-call".into())
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".into());
                Err(internal(format!(
                    "kis failed internally ({what}); please report it"
                )))
            });
            let waker = {
                let mut slot = shared.lock().unwrap_or_else(PoisonError::into_inner);
                slot.result = Some(result);
                slot.waker.take()
            };
            if let Some(waker) = waker {
                waker.wake();
            }
        });
    if let Err(e) = spawned {
        let mut s = slot.lock().unwrap_or_else(PoisonError::into_inner);
        s.result = Some(Err(internal(format!("no thread could be started: {e}"))));
    }
    OffThread { slot }
}

/// The error kis-server answers for a failure of its own (`InternalError`, HTTP 500),
/// so an app handles it the same in process and over HTTP.
fn internal(detail: String) -> KisError {
    KisError::Server {
        status: 500,
        kind: "InternalError".into(),
        retryable: false,
        detail,
    }
}

impl<T> Future for OffThread<T> {
    type Output = Result<T, KisError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.result.take() {
            Some(result) => Poll::Ready(result),
            None => {
                // Under the lock, so the worker either sees this waker or has already
                // stored its result (and this poll returned it).
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::task::Wake;

    /// Wakes by sending on a channel, so the test can block until woken.
    struct Signal(Mutex<mpsc::Sender<()>>);

    impl Wake for Signal {
        fn wake(self: Arc<Self>) {
            let _ = self.0.lock().unwrap().send(());
        }
    }

    fn block_on<T>(mut future: OffThread<T>) -> Result<T, KisError> {
        let (tx, rx) = mpsc::channel();
        let waker = Waker::from(Arc::new(Signal(Mutex::new(tx))));
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(out) = Pin::new(&mut future).poll(&mut cx) {
                return out;
            }
            rx.recv().unwrap();
        }
    }

    #[test]
    fn yields_the_work_result_from_another_thread() {
        let caller = std::thread::current().id();
        let (tx, rx) = mpsc::channel();
        let future = off_thread(move || {
            // Held until the test has polled once, so the waker path is taken.
            rx.recv().unwrap();
            Ok(std::thread::current().id())
        });
        let mut future = future;
        let waker = Waker::noop();
        assert!(
            Pin::new(&mut future)
                .poll(&mut Context::from_waker(waker))
                .is_pending()
        );
        tx.send(()).unwrap();
        let worker = block_on(future).unwrap();
        assert_ne!(worker, caller);
    }

    #[test]
    fn an_error_of_the_work_is_the_result() {
        let out = block_on(off_thread(|| -> Result<(), KisError> {
            Err(KisError::invalid("year", "is not a year"))
        }));
        assert!(matches!(out, Err(KisError::InvalidInput { field, .. }) if field == "year"));
    }

    #[test]
    fn a_panic_is_an_error_not_a_hang() {
        let out = block_on(off_thread(|| -> Result<(), KisError> { panic!("boom") }));
        match out {
            Err(KisError::Server { kind, detail, .. }) => {
                assert_eq!(kind, "InternalError");
                assert!(detail.contains("boom"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
    }
}
