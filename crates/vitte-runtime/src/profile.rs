//! Sampling profiler: where a guest spends its time, by IR function and
//! `.vir` line.
//!
//! wasmtime's own `GuestProfiler` names functions only; this one takes each
//! frame's IR function and line from the module's DWARF (as backtraces do,
//! `frames.rs`), so that the hottest *lines* show, in the formats people open: folded
//! stacks ([`Profile::folded`]), the Firefox profiler's processed profile
//! ([`Profile::firefox_json`]), a flame graph ([`Profile::flame_svg`]) and an
//! HTML report ([`Profile::html`]).
//!
//! How: while a profiled instance runs wasm, a ticker thread bumps the
//! engine's epoch every interval, and the store's epoch callback (the one
//! that also enforces [`Limits::timeout`](crate::Limits::timeout)) captures
//! the guest's stack and lets it continue. Sampling reads the stack only, so
//! results are unchanged; it costs one callback per tick. On a
//! [`Runtime::for_sampling`](crate::Runtime::for_sampling) the engine keeps
//! no DWARF, so that the capture is a bare stack walk, and each distinct
//! frame is looked up once, at its first sample (`symbols.rs`).

mod firefox;
mod flame;
mod folded;
mod html;

use crate::frames;
use crate::symbols::{DebugSections, DwarfFrame, Symbolizer};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::WasmBacktrace;

/// The interval [`Session::profile`](crate::Session::profile) is usually
/// given: fine enough for a run of a fraction of a second, cheap enough
/// (one stack walk per millisecond) not to slow the guest measurably.
pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(1);

/// A frame as captured: wasm function index and code offset in the module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct RawFrame {
    func: u32,
    offset: Option<usize>,
}

/// The samples of one instance, as captured (made a [`Profile`] by
/// [`Profile::new`] afterwards, so that the callback stays short).
#[derive(Debug)]
pub(crate) struct Sampler {
    pub(crate) interval: Duration,
    start: Instant,
    /// Each sample's time since `start` and stack, outermost frame first.
    samples: Vec<(Duration, Vec<RawFrame>)>,
    /// The functions and lines of each frame seen (several when code was
    /// inlined there), resolved the first time: from the program's DWARF
    /// by `symbols.rs` on a sampling runtime's engine, which keeps none,
    /// else from what wasmtime looked up.
    resolved: HashMap<RawFrame, Vec<Frame>>,
    /// One copy of each file name.
    files: BTreeSet<Arc<str>>,
    /// The program's DWARF, when its engine keeps none
    /// ([`Runtime::for_sampling`](crate::Runtime::for_sampling)), and the
    /// symbolizer made of it at the first frame to resolve.
    debug: Option<Arc<DebugSections>>,
    symbolizer: Option<Symbolizer>,
}

impl Sampler {
    pub(crate) fn new(interval: Duration, debug: Option<Arc<DebugSections>>) -> Sampler {
        Sampler {
            interval,
            start: Instant::now(),
            samples: Vec::new(),
            resolved: HashMap::new(),
            files: BTreeSet::new(),
            debug,
            symbolizer: None,
        }
    }

    /// Records the stack of a backtrace (innermost first, as wasmtime gives
    /// it). An empty one (the guest in a host call) is not a guest sample.
    pub(crate) fn record(&mut self, trace: &WasmBacktrace) {
        let frames = trace.frames();
        if frames.is_empty() {
            return;
        }
        let mut stack = Vec::with_capacity(frames.len());
        for frame in frames.iter().rev() {
            let raw = RawFrame {
                func: frame.func_index(),
                offset: frame.module_offset(),
            };
            if !self.resolved.contains_key(&raw) {
                let resolved = self.resolve(frame);
                self.resolved.insert(raw, resolved);
            }
            stack.push(raw);
        }
        self.samples.push((self.start.elapsed(), stack));
    }

    /// The [`Frame`]s of a captured frame, outermost first: its function
    /// and, from the module's DWARF, the line of the instruction it was at,
    /// then each function inlined there at its own line, so that a profile
    /// reads the same with inlining on or off. Called once per distinct
    /// frame: the DWARF is read here, not at each sample.
    fn resolve(&mut self, frame: &wasmtime::FrameInfo) -> Vec<Frame> {
        let own = self.lookup(frame);
        let expanded = match &own {
            Some(symbols) => frames::expand_in(frame, symbols),
            None => frames::expand_in(frame, frame.symbols()),
        };
        let mut resolved: Vec<Frame> = (expanded.into_iter().rev())
            .map(|(func, at)| Frame {
                func,
                file: at.map(|at| self.file(at.file)),
                line: at.map(|at| at.line),
            })
            .collect();
        resolved.shrink_to_fit();
        resolved
    }

    /// The one copy of a file name.
    fn file(&mut self, name: &str) -> Arc<str> {
        if let Some(file) = self.files.get(name) {
            return file.clone();
        }
        let file: Arc<str> = Arc::from(name);
        self.files.insert(file.clone());
        file
    }
}

impl Sampler {
    /// The frames at a frame's code offset from our own DWARF lookup, when
    /// the sampler has the program's DWARF and wasmtime gave no symbols.
    fn lookup(&mut self, frame: &wasmtime::FrameInfo) -> Option<Vec<DwarfFrame>> {
        let offset = frame.module_offset()?;
        if !frame.symbols().is_empty() {
            return None;
        }
        if self.symbolizer.is_none() {
            self.symbolizer = self.debug.as_ref()?.symbolizer();
        }
        Some(self.symbolizer.as_ref()?.lookup(offset))
    }
}

/// A frame of a profile: an IR function (or a wasm function without IR),
/// at a line of its file when known.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Frame {
    /// The IR function's name (without `@`), else the name section's, else
    /// `func[N]`.
    pub func: String,
    /// The `.vir` file, when the module has DWARF for the frame.
    pub file: Option<Arc<str>>,
    /// The line in `file` of the IR instruction the frame was at (the call,
    /// for a caller), else of the function's definition.
    pub line: Option<u32>,
}

impl fmt::Display for Frame {
    /// `func (file:line)`, or `func`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{} ({file}:{line})", self.func),
            _ => write!(f, "{}", self.func),
        }
    }
}

/// One sample: when, in which thread, and the stack, outermost frame
/// first, as indices into [`Profile::frames`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    pub time: Duration,
    pub stack: Vec<usize>,
    /// The thread sampled: 0 for the main one, else the id `thread-spawn`
    /// gave it (wasi-threads).
    pub thread: u32,
}

/// The samples of a profiled run, resolved to IR functions and lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub interval: Duration,
    /// Every distinct frame, in the order of first appearance.
    pub frames: Vec<Frame>,
    pub samples: Vec<Sample>,
}

/// A row of [`Profile::hottest_functions`] or [`Profile::hottest_lines`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hot {
    /// A function name, or `file:line`.
    pub name: String,
    /// Samples where it is the innermost frame.
    pub self_samples: u64,
    /// Samples where it is anywhere on the stack (once per sample).
    pub total_samples: u64,
}

impl Profile {
    /// The profile of what the samplers of a run captured: the main
    /// thread's, then each spawned thread's by its id (wasi-threads).
    /// Times count from the main sampler's start.
    pub(crate) fn new(main: &Sampler, spawned: &[(u32, &Sampler)]) -> Profile {
        let mut interner = Interner::default();
        let mut samples = Vec::new();
        for (thread, sampler) in std::iter::once((0, main)).chain(spawned.iter().copied()) {
            let since = sampler.start.saturating_duration_since(main.start);
            for (time, raw) in &sampler.samples {
                let mut stack = Vec::with_capacity(raw.len());
                for r in raw {
                    stack.extend_from_slice(interner.frames(sampler, r));
                }
                let time = since + *time;
                samples.push(Sample {
                    time,
                    stack,
                    thread,
                });
            }
            interner.index.clear();
        }
        Profile {
            interval: main.interval,
            frames: interner.frames,
            samples,
        }
    }

    /// Functions by self samples, then total, then name.
    pub fn hottest_functions(&self) -> Vec<Hot> {
        self.hottest(|f| Some(f.func.clone()))
    }

    /// IR lines (`file:line`) by self samples, then total, then name.
    pub fn hottest_lines(&self) -> Vec<Hot> {
        self.hottest(|f| Some(format!("{}:{}", f.file.as_ref()?, f.line?)))
    }

    fn hottest(&self, key: impl Fn(&Frame) -> Option<String>) -> Vec<Hot> {
        let keys: Vec<Option<String>> = self.frames.iter().map(key).collect();
        let mut rows: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for sample in &self.samples {
            let on_stack: BTreeSet<&str> = sample
                .stack
                .iter()
                .filter_map(|&f| keys[f].as_deref())
                .collect();
            for name in on_stack {
                rows.entry(name).or_default().1 += 1;
            }
            if let Some(name) = sample.stack.last().and_then(|&f| keys[f].as_deref()) {
                rows.entry(name).or_default().0 += 1;
            }
        }
        let mut hot: Vec<Hot> = rows
            .into_iter()
            .map(|(name, (self_samples, total_samples))| Hot {
                name: name.to_string(),
                self_samples,
                total_samples,
            })
            .collect();
        // Stable, and `rows` is by name: ties stay in name order.
        hot.sort_by(|a, b| {
            (b.self_samples, b.total_samples).cmp(&(a.self_samples, a.total_samples))
        });
        hot
    }

    /// The stacks as strings with their counts, each stack once, in string
    /// order: what folded stacks and the flame graph are made of.
    fn stack_counts(&self) -> BTreeMap<Vec<&Frame>, u64> {
        let mut counts = BTreeMap::new();
        for sample in &self.samples {
            let stack: Vec<&Frame> = sample.stack.iter().map(|&f| &self.frames[f]).collect();
            *counts.entry(stack).or_insert(0) += 1;
        }
        counts
    }
}

/// Gives each distinct [`Frame`] of a profile its index, in the order of
/// first appearance.
#[derive(Default)]
struct Interner {
    frames: Vec<Frame>,
    ids: HashMap<Frame, usize>,
    /// The indices of one sampler's raw frames (cleared between samplers:
    /// raw frames are per sampler).
    index: HashMap<RawFrame, Vec<usize>>,
}

impl Interner {
    /// The indices of the frames a raw frame of `sampler` resolved to,
    /// outermost first.
    fn frames(&mut self, sampler: &Sampler, raw: &RawFrame) -> &[usize] {
        let Interner { frames, ids, index } = self;
        index.entry(*raw).or_insert_with(|| {
            (sampler.resolved[raw].iter())
                .map(|frame| {
                    *ids.entry(frame.clone()).or_insert_with(|| {
                        frames.push(frame.clone());
                        frames.len() - 1
                    })
                })
                .collect()
        })
    }
}

/// `text` with XML's five special characters escaped and control characters
/// (other than newline and tab, which XML 1.0 does not allow) replaced, for
/// SVG, HTML content and quoted attributes: the profile's pages and `explore`'s.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `part` of `whole` as a percentage (0 for an empty profile).
fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Two stacks: `main;heavy (f.vir:9)` three times, `main;light` once.
    pub(crate) fn sample_profile() -> Profile {
        let file: Arc<str> = Arc::from("f.vir");
        let frame = |func: &str, line| Frame {
            func: func.into(),
            file: Some(file.clone()),
            line: Some(line),
        };
        let stacks = [vec![0, 1], vec![0, 1], vec![0, 2], vec![0, 1]];
        Profile {
            interval: DEFAULT_INTERVAL,
            frames: vec![frame("main", 20), frame("heavy", 9), frame("light<&>", 4)],
            samples: stacks
                .into_iter()
                .enumerate()
                .map(|(i, stack)| Sample {
                    time: Duration::from_millis(i as u64),
                    stack,
                    thread: 0,
                })
                .collect(),
        }
    }

    #[test]
    fn hottest_rows_count_self_and_total() {
        let p = sample_profile();
        let funcs = p.hottest_functions();
        let row = |h: &Hot| (h.name.clone(), h.self_samples, h.total_samples);
        assert_eq!(
            funcs.iter().map(row).collect::<Vec<_>>(),
            [
                ("heavy".into(), 3, 3),
                ("light<&>".into(), 1, 1),
                ("main".into(), 0, 4)
            ]
        );
        let lines = p.hottest_lines();
        assert_eq!(lines[0].name, "f.vir:9");
        assert_eq!(lines[2].name, "f.vir:20");
    }

    /// A real run: the deadline still stops a sampled guest, and frames of
    /// a binary without DWARF are named by its name section.
    #[test]
    fn a_sampled_run_keeps_its_timeout_and_names_functions() {
        let wasm = wat::parse_str(r#"(module (func $spin (export "spin") (loop $l (br $l))))"#)
            .expect("wat");
        let runtime = crate::Runtime::new().expect("engine");
        let limits = crate::Limits {
            timeout: Some(Duration::from_millis(100)),
            ..crate::Limits::default()
        };
        let session = runtime.session().limits(limits).profile(DEFAULT_INTERVAL);
        let program = runtime.compile(&wasm).expect("compiles");
        let mut instance = session.instantiate(&program).expect("instantiates");
        let result = instance.invoke("spin", &[]);
        assert!(
            matches!(result, Err(crate::RunError::Timeout { .. })),
            "{result:?}"
        );
        let profile = instance.profile().expect("profiled");
        assert!(profile.samples.len() >= 10, "{}", profile.samples.len());
        assert_eq!(profile.hottest_functions()[0].name, "spin");
        assert!(profile.hottest_lines().is_empty());
    }

    #[test]
    fn frames_display_with_and_without_lines() {
        let p = sample_profile();
        assert_eq!(p.frames[1].to_string(), "heavy (f.vir:9)");
        let bare = Frame {
            func: "func[3]".into(),
            file: None,
            line: None,
        };
        assert_eq!(bare.to_string(), "func[3]");
        assert_eq!(
            xml_escape("a<b>&\"'\u{1}"),
            "a&lt;b&gt;&amp;&quot;&#39;\u{fffd}"
        );
    }
}
