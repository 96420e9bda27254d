//! Functions are lowered and encoded independently of each other, so a
//! large module is spread over the machine's cores. The output never depends
//! on the number of threads: each thread takes a contiguous run of items and
//! the results are put back in item order.

/// Fewer items than this stay on the calling thread: starting threads costs
/// more than small modules take, and callers that already run many modules
/// at once (`vitte-wat difftest`, the test suite) keep their own parallelism.
const MIN_ITEMS: usize = 256;
/// At most this many threads, whatever the machine.
const MAX_THREADS: usize = 8;
/// Stack of each worker: deep recursion grows onto the heap
/// (`crate::stack::ensure_stack`), this is the margin above it.
const WORKER_STACK: usize = 16 << 20;

/// `items.iter().map(f).collect()`, on several threads for many items.
pub(crate) fn map<'a, T: Sync, R: Send>(items: &'a [T], f: impl Fn(&'a T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS)
        .min(items.len() / (MIN_ITEMS / 2).max(1));
    if items.len() < MIN_ITEMS || threads < 2 {
        return items.iter().map(&f).collect();
    }
    on_threads(items, items.len().div_ceil(threads), f)
}

/// [`map`] with one thread per item, for a few large items.
pub(crate) fn map_all<'a, T: Sync, R: Send>(
    items: &'a [T],
    f: impl Fn(&'a T) -> R + Sync,
) -> Vec<R> {
    on_threads(items, 1, f)
}

/// Each run of `chunk` items on a thread of its own.
fn on_threads<'a, T: Sync, R: Send>(
    items: &'a [T],
    chunk: usize,
    f: impl Fn(&'a T) -> R + Sync,
) -> Vec<R> {
    std::thread::scope(|scope| {
        let f = &f;
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, move || part.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for (worker, part) in workers.into_iter().zip(items.chunks(chunk)) {
            match worker.map(|w| w.join()) {
                Ok(Ok(results)) => out.extend(results),
                // A thread could not start: do its part here.
                Err(_) => out.extend(part.iter().map(f)),
                Ok(Err(panic)) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
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
        }
    }
}
