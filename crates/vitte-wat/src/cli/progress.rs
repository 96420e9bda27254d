//! The progress bar of long runs (`spec`, `difftest`): items done, failures
//! so far, rate and time left, on stderr.
//!
//! Only on a terminal, and never with `--json`: a log or a pipe gets no
//! progress at all (no carriage-return fragments), and a JSON document is
//! read by programs. indicatif redraws at most 20 times a second, so
//! updating after every item costs nothing measurable.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

/// A bar, or nothing when progress is not to be shown.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// The failure count the message shows: the message is only rebuilt
    /// when it changes (each change is a redraw).
    failed: AtomicU64,
}

impl Progress {
    /// A bar for `total` items called `unit` (`files`, `programs`), when
    /// `wanted` (not `--json`) and stderr is a terminal.
    pub fn new(total: u64, unit: &str, wanted: bool) -> Progress {
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress {
                bar: None,
                failed: AtomicU64::new(0),
            };
        }
        let template = format!(
            "[{{bar:30}}] {{pos}}/{{len}} {unit}, {{msg}}, {{rate}}, {{eta}} left, {{elapsed}}"
        );
        // indicatif's own `per_sec` prints four decimals.
        let rate = |state: &ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = write!(out, "{:.0}/s", state.per_sec());
        };
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key("rate", rate)
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_message("0 failed");
        Progress {
            bar: Some(bar),
            failed: AtomicU64::new(0),
        }
    }

    /// `done` items finished, `failed` of them failing.
    pub fn set(&self, done: u64, failed: u64) {
        if let Some(bar) = &self.bar {
            self.show_failed(bar, failed);
            bar.set_position(done);
        }
    }

    /// One more item finished; `failed` failing so far.
    pub fn advance(&self, failed: u64) {
        if let Some(bar) = &self.bar {
            self.show_failed(bar, failed);
            bar.inc(1);
        }
    }

    fn show_failed(&self, bar: &ProgressBar, failed: u64) {
        if self.failed.swap(failed, Ordering::Relaxed) != failed {
            bar.set_message(format!("{failed} failed"));
        }
    }

    /// Runs `print` with the bar out of the way (lines printed meanwhile on
    /// the same terminal are not mixed with it).
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    /// Removes the bar: the final report is printed without it.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
