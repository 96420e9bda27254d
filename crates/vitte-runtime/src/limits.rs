//! Sandbox limits: fuel, a wall-clock timeout and a cap on linear memory
//! and tables.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
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
    /// A wasi-threads program's threads share it: each spawn gives the
    /// new thread half of its parent's ([`crate::threads`]).
    ///
    /// [`TrapKind::Interrupted`]: crate::value::TrapKind::Interrupted
    pub fuel: Option<u64>,
    /// Wall-clock time for each entry into wasm (instantiation, each call).
    /// Running out is [`RunError::Timeout`](super::RunError::Timeout).
    ///
    /// It is checked in wasm code only (epoch interruption): a guest blocked
    /// in a host call (a WASI `poll_oneoff` sleep, a read of stdin, a slow
    /// host function) is stopped only once the call returns to wasm. A host
    /// that must bound the wall-clock time whatever the guest does needs a
    /// watchdog of its own, as `vitte-wat run` has.
    pub timeout: Option<Duration>,
    /// Bytes of linear memory and tables, all memories and tables of the
    /// instance together; a table element counts [`TABLE_ELEMENT_BYTES`].
    /// `memory.grow` or `table.grow` past it returns -1; an initial memory
    /// or table past it fails instantiation. A wasi-threads program's
    /// shared memory has its maximum lowered to it, and its threads' own
    /// memories and tables share one such budget ([`crate::threads`]).
    pub max_memory: Option<u64>,
}

/// What a table element counts against [`Limits::max_memory`]: a
/// reference is a pointer, 8 bytes, in wasmtime's tables.
pub const TABLE_ELEMENT_BYTES: u64 = 8;

/// Table elements an instance may have, all tables together, whatever the
/// limits (80 MB at [`TABLE_ELEMENT_BYTES`]): `table.grow` past it returns
/// -1, an initial table past it fails instantiation. Without it a guest
/// could grow a table by 2^28 elements (2 GiB of host memory) even with
/// no memory at all.
pub const MAX_TABLE_ELEMENTS: u64 = 10_000_000;

/// The [`ResourceLimiter`] behind [`Limits::max_memory`] and
/// [`MAX_TABLE_ELEMENTS`]. Clones share one budget: the stores of a
/// wasi-threads program's threads draw on the same one.
#[derive(Clone, Debug, Default)]
pub(crate) struct MemoryLimit {
    usage: Arc<Mutex<Usage>>,
}

#[derive(Debug, Default)]
struct Usage {
    max: Option<u64>,
    /// Bytes granted so far, memories and tables. Neither ever shrinks, and
    /// wasmtime asks for each one's initial size (from 0) too, so this is
    /// exact.
    used: u64,
    /// Table elements granted so far.
    elements: u64,
}

impl MemoryLimit {
    pub(crate) fn new(max: Option<u64>) -> MemoryLimit {
        MemoryLimit {
            usage: Arc::new(Mutex::new(Usage {
                max,
                used: 0,
                elements: 0,
            })),
        }
    }

    fn usage(&self) -> std::sync::MutexGuard<'_, Usage> {
        // A panic elsewhere cannot leave `Usage` half-updated.
        self.usage.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Usage {
    /// Grants `bytes` more if the cap allows.
    fn grant(&mut self, bytes: u64) -> bool {
        let total = self.used.saturating_add(bytes);
        if self.max.is_some_and(|max| total > max) {
            return false;
        }
        self.used = total;
        true
    }
}

impl ResourceLimiter for MemoryLimit {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(self.usage().grant(desired.saturating_sub(current) as u64))
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let mut usage = self.usage();
        let extra = desired.saturating_sub(current) as u64;
        let elements = usage.elements.saturating_add(extra);
        if elements > MAX_TABLE_ELEMENTS || !usage.grant(extra.saturating_mul(TABLE_ELEMENT_BYTES))
        {
            return Ok(false);
        }
        usage.elements = elements;
        Ok(true)
    }
}

/// The error an expired deadline raises inside wasm; it travels up through
/// wasmtime to [`super::traps::run_error`].
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("timeout: the guest ran longer than {0:?}")]
pub(crate) struct TimedOut(pub Duration);

/// A thread that bumps the engine's epoch at `first`, then every `period`,
/// so that the running store's epoch check calls its deadline callback:
/// once the deadline has passed (a timeout), or every sampling interval (a
/// profiled run). It is stopped and joined when dropped, that is when the
/// wasm call returns.
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
pub(crate) const RETICK: Duration = Duration::from_millis(10);

impl Ticker {
    pub(crate) fn start(
        engine: &Engine,
        first: Instant,
        period: Duration,
    ) -> std::io::Result<Ticker> {
        let (stop, stopped) = mpsc::channel::<()>();
        let engine = engine.weak();
        let thread = std::thread::Builder::new()
            .name("vitte-epoch-ticker".into())
            .spawn(move || {
                let mut wait = first.saturating_duration_since(Instant::now());
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(wait) {
                    match engine.upgrade() {
                        Some(engine) => engine.increment_epoch(),
                        None => return,
                    }
                    wait = period;
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
    fn tables_count_against_memory_and_their_own_cap() {
        let mut limit = MemoryLimit::new(Some(65536 + 800));
        assert!(limit.memory_growing(0, 65536, None).unwrap());
        assert!(limit.table_growing(0, 100, None).unwrap());
        assert!(!limit.table_growing(100, 101, None).unwrap());
        assert!(!limit.memory_growing(65536, 65537, None).unwrap());
        // 2^28 elements (2 GiB) under 1 MiB.
        let mut limit = MemoryLimit::new(Some(1 << 20));
        assert!(!limit.table_growing(0, 1 << 28, None).unwrap());
        let mut unlimited = MemoryLimit::new(None);
        let cap = MAX_TABLE_ELEMENTS as usize;
        assert!(unlimited.table_growing(0, cap - 1, None).unwrap());
        assert!(unlimited.table_growing(0, 1, None).unwrap());
        assert!(!unlimited.table_growing(0, 1, None).unwrap());
        assert!(
            !MemoryLimit::new(None)
                .table_growing(0, 1 << 28, None)
                .unwrap()
        );
    }

    #[test]
    fn ticker_stops_when_dropped() {
        let engine = Engine::default();
        let before = Instant::now();
        let far = before + Duration::from_secs(3600);
        drop(Ticker::start(&engine, far, RETICK).expect("thread"));
        assert!(before.elapsed() < Duration::from_secs(10));
    }
}
