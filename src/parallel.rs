//! Functions are lowered and encoded independently of each other, so a
//! large module is spread over the machine's cores. The output never depends
//! on the number of threads: the items are cut into numbered runs, which the
//! threads take one after the other as they become free, and the results are
//! put back in item order.
//!
//! Why not rayon: the library's whole dependency tree is held to 45 lines of
//! `cargo tree -e normal` (a compiler links it), 43 of them the wasm-tools
//! family, pest and the error crates; rayon brings six crates (rayon,
//! rayon-core, crossbeam-deque, -epoch, -utils, either: measured with
//! `cargo tree` on rayon 1.12), and a global pool whose thread stacks and
//! size a host compiler may have set for itself. What is needed here is one
//! ordered map with a larger stack per worker: the hundred lines below.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Fewer items than this stay on the calling thread: starting threads costs
/// more than small modules take, and callers that already run many modules
/// at once (`vitte-wat difftest`, the test suite) keep their own parallelism.
const MIN_ITEMS: usize = 256;
/// At most this many threads, whatever the machine.
const MAX_THREADS: usize = 8;
/// Runs per thread: enough that a thread slowed down by other work on the
/// machine (or by larger items) leaves its share to the others instead of
/// holding up the end, few enough that taking a run costs nothing.
const RUNS_PER_THREAD: usize = 16;
/// Stack of each worker: deep recursion grows onto the heap
/// (`crate::stack::ensure_stack`), this is the margin above it.
const WORKER_STACK: usize = 16 << 20;

/// `items.iter().map(f).collect()`, on several threads for many items (the
/// calling thread one of them).
pub(crate) fn map<'a, T: Sync, R: Send>(items: &'a [T], f: impl Fn(&'a T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS)
        .min(items.len() / (MIN_ITEMS / 2).max(1));
    if items.len() < MIN_ITEMS || threads < 2 {
        return items.iter().map(&f).collect();
    }
    let runs: Vec<&'a [T]> = items
        .chunks(items.len().div_ceil(threads * RUNS_PER_THREAD))
        .collect();
    on_threads(&runs, threads, f)
}

/// [`map`] with one thread per item, for a few large items.
pub(crate) fn map_all<'a, T: Sync, R: Send>(
    items: &'a [T],
    f: impl Fn(&'a T) -> R + Sync,
) -> Vec<R> {
    let runs: Vec<&'a [T]> = items.chunks(1).collect();
    on_threads(&runs, runs.len(), f)
}

/// `runs` mapped on `threads` threads, the calling thread one of them: each
/// thread takes the next run as soon as it is free; the results are put
/// back in run order.
fn on_threads<'a, T: Sync, R: Send>(
    runs: &[&'a [T]],
    threads: usize,
    f: impl Fn(&'a T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    // Takes runs until none is left; each result with its run's number.
    let work = || {
        let mut done = Vec::new();
        loop {
            let n = next.fetch_add(1, Ordering::Relaxed);
            let Some(run) = runs.get(n) else {
                return done;
            };
            done.push((n, run.iter().map(&f).collect::<Vec<R>>()));
        }
    };
    let mut done = std::thread::scope(|scope| {
        let work = &work;
        // A thread that cannot start leaves its runs to the others.
        let workers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut done = work();
        for worker in workers {
            match worker.join() {
                Ok(theirs) => done.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(n, _)| *n);
    done.into_iter().flat_map(|(_, results)| results).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order() {
        for n in [0, 1, 255, 256, 1000, 4097] {
            let items: Vec<u64> = (0..n).collect();
            let squares = map(&items, |x| x * x);
            assert_eq!(squares, items.iter().map(|x| x * x).collect::<Vec<_>>());
            assert_eq!(
                map_all(&items[..n.min(5) as usize], |x| x * x),
                squares[..n.min(5) as usize]
            );
        }
    }
}
