//! The wasm features a script runs with, and the wasmtime engines for them.
//!
//! The spec runner has its own engines: the backend's [`Runtime`] is
//! restricted to what the lowering emits, while the official testsuite needs
//! the whole Wasm 3.0 feature set and, under `proposals/NAME/`, that proposal
//! too. A proposal is switched on only for its own directory, so that a core
//! script asserting that (say) a custom page size is malformed still checks
//! that.
//!
//! [`Runtime`]: crate::runtime::Runtime

use super::cache::ModuleCache;
use std::collections::HashMap;
use std::path::{Component, Path};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use wasmtime::{Config, Engine, EngineWeak, OptLevel, WasmFeatures};

/// A named set of wasm features.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    /// `wasm3`, `backend`, or the proposal's directory name.
    pub name: &'static str,
    /// What the engine has on.
    pub features: WasmFeatures,
    /// What the scripts are written for: `features`, plus a proposal that
    /// wasmtime 48 does not implement (custom descriptors). A module
    /// rejected for lacking one of these was rejected for a reason its
    /// script is not about.
    pub intended: WasmFeatures,
}

impl Profile {
    /// Wasm 3.0 as wasmparser defines it: GC, exceptions, tail calls,
    /// function references, multi-memory, SIMD and relaxed SIMD,
    /// extended-const, memory64/table64 and threads, on top of 2.0.
    pub const WASM3: Profile = Profile {
        name: "wasm3",
        features: WasmFeatures::WASM3,
        intended: WasmFeatures::WASM3,
    };

    /// Exactly what the backend emits and its [`Runtime`] runs
    /// ([`validate::features`]): the golden lowering scripts must not rely
    /// on more.
    ///
    /// [`Runtime`]: crate::runtime::Runtime
    /// [`validate::features`]: crate::validate::features
    pub fn backend() -> Profile {
        let features = crate::validate::features();
        Profile {
            name: "backend",
            features,
            intended: features,
        }
    }

    /// The profile for a script: Wasm 3.0, plus the proposal when the path
    /// has a `proposals/NAME/` directory.
    pub fn for_path(path: &Path) -> Profile {
        let components: Vec<&str> = path
            .components()
            .filter_map(|c| match c {
                Component::Normal(name) => name.to_str(),
                _ => None,
            })
            .collect();
        let proposal = components
            .windows(2)
            .rev()
            .find(|w| w[0] == "proposals")
            .map(|w| w[1]);
        match proposal {
            Some(name) => Profile::proposal(name),
            None => Profile::WASM3,
        }
    }

    /// Wasm 3.0 plus one proposal. Proposals merged into 3.0 (gc, simd,
    /// memory64...) and unknown names get Wasm 3.0 alone.
    pub fn proposal(name: &str) -> Profile {
        let (name, extra, unsupported) = match name {
            "wide-arithmetic" => ("wide-arithmetic", WasmFeatures::WIDE_ARITHMETIC, false),
            "custom-page-sizes" => ("custom-page-sizes", WasmFeatures::CUSTOM_PAGE_SIZES, false),
            // Threads are in wasmparser's 3.0 set already; named for reports.
            "threads" => ("threads", WasmFeatures::THREADS, false),
            "custom-descriptors" => ("custom-descriptors", WasmFeatures::CUSTOM_DESCRIPTORS, true),
            _ => return Profile::WASM3,
        };
        Profile {
            name,
            features: WasmFeatures::WASM3
                | if unsupported {
                    WasmFeatures::empty()
                } else {
                    extra
                },
            intended: WasmFeatures::WASM3 | extra,
        }
    }

    /// Whether the engine lacks something the scripts are written for.
    pub fn is_partial(&self) -> bool {
        self.intended != self.features
    }
}

/// How long one directive may run before the guest is interrupted.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// The epoch ticks every this often; deadlines are counted in ticks.
const TICK: Duration = Duration::from_millis(10);

/// Epoch ticks for a timeout (at least one).
pub fn deadline_ticks(timeout: Duration) -> u64 {
    (timeout.as_millis() / TICK.as_millis()).max(1) as u64
}

/// An engine, the profile it was made for, and the modules compiled on it.
#[derive(Clone)]
pub struct SpecEngine {
    pub engine: Engine,
    pub profile: Profile,
    pub modules: Arc<ModuleCache>,
}

/// Engines by feature set, created on first use and shared by every
/// script (and thread) that runs with that set: the engine's configuration
/// is compiled once, and so is each distinct module.
#[derive(Clone, Default)]
pub struct Engines {
    engines: Arc<Mutex<HashMap<u64, Made>>>,
}

/// An engine and its module cache, by feature bits.
type Made = (Engine, Arc<ModuleCache>);

impl Engines {
    pub fn new() -> Engines {
        Engines::default()
    }

    /// The engine for a profile; an error if wasmtime refuses the set.
    pub fn get(&self, profile: &Profile) -> Result<SpecEngine, String> {
        let mut engines = self.engines.lock().unwrap_or_else(|e| e.into_inner());
        let key = profile.features.bits();
        let (engine, modules) = match engines.get(&key) {
            Some(found) => found.clone(),
            None => {
                let engine = new_engine(profile.features).map_err(|e| {
                    format!("cannot configure wasmtime for {}: {e:#}", profile.name)
                })?;
                let made = (engine, Arc::new(ModuleCache::default()));
                engines.insert(key, made.clone());
                made
            }
        };
        Ok(SpecEngine {
            engine,
            profile: *profile,
            modules,
        })
    }
}

fn new_engine(features: WasmFeatures) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config
        .wasm_features(WasmFeatures::all(), false)
        .wasm_features(features, true)
        // Scripts are dominated by compiling small modules that run once:
        // Cranelift's fast mode compiles them sooner than they would run
        // faster.
        .cranelift_opt_level(OptLevel::None)
        // A deadline per directive stops runaway guests; unlike fuel it
        // costs nearly nothing in compiled code.
        .epoch_interruption(true)
        // Shared memories are what the threads feature is for; wasmtime
        // asks for them separately.
        .shared_memory(features.contains(WasmFeatures::THREADS))
        // Reports need a trap's code, not where it happened: no backtraces
        // (thousands of `assert_trap`s each capture one) or address maps.
        .wasm_backtrace_max_frames(None)
        .generate_address_map(false)
        // Only host unwinders need it, and with every compiled module kept
        // (the module cache) libgcc's frame registry searches grow linear:
        // it would take half the run.
        .native_unwind_info(false)
        // Instances live for one script: copying data segments in is
        // cheaper than setting up copy-on-write images for them.
        .memory_init_cow(false);
    let engine = Engine::new(&config)?;
    ticker()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(engine.weak());
    Ok(engine)
}

/// The engines whose epoch a background thread advances every [`TICK`].
fn ticker() -> &'static Mutex<Vec<EngineWeak>> {
    static TICKED: OnceLock<Mutex<Vec<EngineWeak>>> = OnceLock::new();
    TICKED.get_or_init(|| {
        // If the thread cannot start, deadlines never expire: scripts still
        // run, they are just not bounded.
        let _ = std::thread::Builder::new()
            .name("spec-epoch".into())
            .spawn(|| {
                loop {
                    std::thread::sleep(TICK);
                    let mut engines = ticker().lock().unwrap_or_else(|e| e.into_inner());
                    engines.retain(|weak| match weak.upgrade() {
                        Some(engine) => {
                            engine.increment_epoch();
                            true
                        }
                        None => false,
                    });
                }
            });
        Mutex::new(Vec::new())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_follow_the_proposals_directory() {
        let of = |p: &str| Profile::for_path(Path::new(p));
        assert_eq!(of("testsuite/address.wast"), Profile::WASM3);
        assert_eq!(of("/x/proposals/gc/array.wast"), Profile::WASM3);
        let wide = of("/x/testsuite/proposals/wide-arithmetic/wide-arithmetic.wast");
        assert!(wide.features.contains(WasmFeatures::WIDE_ARITHMETIC));
        let pages = of("proposals/custom-page-sizes/binary.wast");
        assert!(pages.features.contains(WasmFeatures::CUSTOM_PAGE_SIZES));
        assert!(
            !Profile::WASM3
                .features
                .contains(WasmFeatures::CUSTOM_PAGE_SIZES)
        );
        assert!(of("proposals/custom-descriptors/exact.wast").is_partial());
        assert!(!of("proposals/threads/atomic.wast").is_partial());
    }

    #[test]
    fn every_profile_has_an_engine() {
        let engines = Engines::new();
        for profile in [
            Profile::WASM3,
            Profile::backend(),
            Profile::proposal("wide-arithmetic"),
            Profile::proposal("custom-page-sizes"),
        ] {
            engines.get(&profile).expect(profile.name);
        }
    }
}
