//! Sandbox limits: fuel, a wall-clock timeout and a cap on linear memory.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use wasmtime::{Engine, ResourceLimiter};

/// What a guest may consume. `None` is unlimited.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Fuel for the whole instance (about one unit per wasm instruction).
    /// Running out traps with [`TrapKind::Interrupted`], as in the
    /// reference interpreter.
    ///
    /// [`TrapKind::Interrupted`]: crate::value::TrapKind::Interrupted
    pub fuel: Option<u64>,
    /// Wall-clock time for each entry into wasm (instantiation, each call).
    /// Running out is [`RunError::Timeout`](super::RunError::Timeout).
    pub timeout: Option<Duration>,
    /// Bytes of linear memory, all memories of the instance together.
    /// `memory.grow` past it returns -1; an initial memory past it fails
    /// instantiation.
    pub max_memory: Option<u64>,
}

/// The [`ResourceLimiter`] behind [`Limits::max_memory`].
#[derive(Debug, Default)]
pub(crate) struct MemoryLimit {
    max: Option<u64>,
    /// Bytes granted so far. Memories never shrink, and wasmtime asks for
    /// each memory's initial size (from 0) too, so this is exact.
    used: u64,
}

impl MemoryLimit {
    pub(crate) fn new(max: Option<u64>) -> MemoryLimit {
        MemoryLimit { max, used: 0 }
    }
}

impl ResourceLimiter for MemoryLimit {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let extra = desired.saturating_sub(current) as u64;
        let total = self.used.saturating_add(extra);
        if self.max.is_some_and(|max| total > max) {
            return Ok(false);
        }
        self.used = total;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

/// The error an expired deadline raises inside wasm; it travels up through
/// wasmtime to [`super::traps::run_error`].
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("timeout: the guest ran longer than {0:?}")]
pub(crate) struct TimedOut(pub Duration);

/// A thread that bumps the engine's epoch once the deadline has passed, so
/// that the running store's epoch check calls its deadline callback. It is
/// stopped and joined when dropped, that is when the wasm call returns.
///
/// The epoch is shared by every store of the engine: a tick from another
/// session's ticker only makes this store check its own deadline early, and
/// the callback then lets it continue.
pub(crate) struct Ticker {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// How often the ticker keeps ticking after the deadline, in case the guest
/// was between checks (in a host call) at the first tick.
const RETICK: Duration = Duration::from_millis(10);

impl Ticker {
    pub(crate) fn start(engine: &Engine, deadline: Instant) -> std::io::Result<Ticker> {
        let (stop, stopped) = mpsc::channel::<()>();
        let engine = engine.weak();
        let thread = std::thread::Builder::new()
            .name("vitte-epoch-ticker".into())
            .spawn(move || {
                let mut wait = deadline.saturating_duration_since(Instant::now());
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(wait) {
                    match engine.upgrade() {
                        Some(engine) => engine.increment_epoch(),
                        None => return,
                    }
                    wait = RETICK;
                }
            })?;
        Ok(Ticker {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_limit_counts_all_growth() {
        let mut limit = MemoryLimit::new(Some(3 * 65536));
        assert!(limit.memory_growing(0, 65536, None).unwrap());
        assert!(limit.memory_growing(65536, 2 * 65536, None).unwrap());
        // A second memory shares the budget.
        assert!(!limit.memory_growing(0, 2 * 65536, None).unwrap());
        assert!(limit.memory_growing(0, 65536, None).unwrap());
        assert!(!limit.memory_growing(65536, 65537, None).unwrap());
        let mut unlimited = MemoryLimit::new(None);
        assert!(unlimited.memory_growing(0, usize::MAX, None).unwrap());
    }

    #[test]
    fn ticker_stops_when_dropped() {
        let engine = Engine::default();
        let before = Instant::now();
        let far = before + Duration::from_secs(3600);
        drop(Ticker::start(&engine, far).expect("thread"));
        assert!(before.elapsed() < Duration::from_secs(10));
    }
}
