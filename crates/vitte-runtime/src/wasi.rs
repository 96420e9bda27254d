//! WASI preview1 for guests: what of the host they see, granted explicitly.
//!
//! The guest gets clocks and random numbers, the arguments and environment
//! variables given here, the standard streams chosen here, and the
//! directories preopened here (fds 3, 4, ... in order). Nothing else: no
//! inherited environment, no sockets, no path outside a preopen
//! (`wasmtime-wasi` resolves paths with `cap-std`, which refuses `..`
//! and symlinks that lead out of the preopened directory).

use super::RunError;
use std::path::PathBuf;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

/// The WASI view of the host a session grants its guest.
#[derive(Clone, Debug, Default)]
pub struct WasiConfig {
    /// The guest's `argv`, program name first.
    pub args: Vec<String>,
    /// The guest's environment; nothing is inherited.
    pub env: Vec<(String, String)>,
    /// Directories the guest may use, in fd order from 3.
    pub preopens: Vec<Preopen>,
    pub stdin: Stdin,
    pub stdout: Stdout,
    pub stderr: Stdout,
}

/// Where the guest's stdin comes from.
#[derive(Clone, Debug, Default)]
pub enum Stdin {
    /// Reads see end of file.
    #[default]
    Closed,
    /// The host process's stdin.
    Inherit,
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
}

/// Where the guest's stdout or stderr goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stdout {
    /// Writes succeed and are dropped.
    #[default]
    Discard,
    /// The host process's stream.
    Inherit,
    /// Kept in memory (up to [`CAPTURE_LIMIT`] bytes), read with
    /// [`Instance::stdout`](super::Instance::stdout) or `stderr`.
    Capture,
}

/// How much a captured stream keeps; writes beyond it fail with an errno.
pub const CAPTURE_LIMIT: usize = 64 << 20;

/// A host directory made visible to the guest under a guest path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preopen {
    pub host: PathBuf,
    pub guest: String,
    /// Whether the guest may create, write, rename or delete under it.
    pub writable: bool,
}

impl Preopen {
    /// Reads `HOST[::GUEST]`, the syntax of `--dir`. Without `::GUEST` the
    /// guest sees the directory under the host path as written. Writable.
    pub fn parse(spec: &str) -> Result<Preopen, String> {
        let (host, guest) = match spec.split_once("::") {
            Some((host, guest)) => (host, guest),
            None => (spec, spec),
        };
        if host.is_empty() || guest.is_empty() {
            return Err(format!(
                "invalid directory `{spec}`: expected HOST or HOST::GUEST"
            ));
        }
        Ok(Preopen {
            host: PathBuf::from(host),
            guest: guest.to_string(),
            writable: true,
        })
    }
}

/// The captured streams of a guest, when [`Stdout::Capture`] was asked
/// for, and its stdin when given as bytes (shared by its threads).
#[derive(Clone, Default)]
pub(crate) struct Captured {
    pub stdout: Option<MemoryOutputPipe>,
    pub stderr: Option<MemoryOutputPipe>,
    pub stdin: Option<MemoryInputPipe>,
}

/// Builds the preview1 context for a config; a preopen whose host
/// directory cannot be opened is an error naming it.
#[cfg(test)]
pub(crate) fn context(config: &WasiConfig) -> Result<(WasiP1Ctx, Captured), RunError> {
    context_sharing(config, None)
}

/// [`context`], for a thread of a wasi-threads program when `shared` (its
/// main thread's streams): the same captured pipes and stdin, so that what
/// every thread writes ends up in one place. Preopens are opened again
/// (each thread has its own fd table).
pub(crate) fn context_sharing(
    config: &WasiConfig,
    shared: Option<&Captured>,
) -> Result<(WasiP1Ctx, Captured), RunError> {
    let mut builder = WasiCtxBuilder::new();
    builder.args(&config.args).envs(&config.env);
    // Opening files on the calling thread avoids a round trip through
    // tokio's blocking pool for every call: runs are synchronous anyway.
    builder.allow_blocking_current_thread(true);
    for dir in &config.preopens {
        let perms = if dir.writable {
            FsPerms::ReadWrite
        } else {
            FsPerms::ReadOnly
        };
        builder
            .preopened_dir(&dir.host, &dir.guest, perms)
            .map_err(|e| {
                RunError::Link(format!(
                    "cannot preopen directory {}: {e:#}",
                    dir.host.display()
                ))
            })?;
    }
    let mut stdin = None;
    match &config.stdin {
        Stdin::Closed => {}
        Stdin::Inherit => {
            builder.inherit_stdin();
        }
        Stdin::Bytes(bytes) => {
            let pipe = match shared.and_then(|s| s.stdin.clone()) {
                Some(pipe) => pipe,
                None => MemoryInputPipe::new(bytes.clone()),
            };
            builder.stdin(pipe.clone());
            stdin = Some(pipe);
        }
    }
    let captured = Captured {
        stdout: stream(
            config.stdout,
            Stream::Out,
            shared.and_then(|s| s.stdout.clone()),
            &mut builder,
        ),
        stderr: stream(
            config.stderr,
            Stream::Err,
            shared.and_then(|s| s.stderr.clone()),
            &mut builder,
        ),
        stdin,
    };
    Ok((builder.build_p1(), captured))
}

#[derive(Clone, Copy)]
enum Stream {
    Out,
    Err,
}

/// Sets up one output stream; a captured one writes to `shared` if given.
fn stream(
    choice: Stdout,
    which: Stream,
    shared: Option<MemoryOutputPipe>,
    builder: &mut WasiCtxBuilder,
) -> Option<MemoryOutputPipe> {
    match (choice, which) {
        (Stdout::Discard, _) => None,
        (Stdout::Inherit, Stream::Out) => {
            builder.inherit_stdout();
            None
        }
        (Stdout::Inherit, Stream::Err) => {
            builder.inherit_stderr();
            None
        }
        (Stdout::Capture, _) => {
            let pipe = shared.unwrap_or_else(|| MemoryOutputPipe::new(CAPTURE_LIMIT));
            match which {
                Stream::Out => builder.stdout(pipe.clone()),
                Stream::Err => builder.stderr(pipe.clone()),
            };
            Some(pipe)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preopen_syntax() {
        let p = Preopen::parse("data").unwrap();
        assert_eq!((p.host, p.guest), (PathBuf::from("data"), "data".into()));
        let p = Preopen::parse("/tmp/x::/sandbox").unwrap();
        assert_eq!(
            (p.host, p.guest),
            (PathBuf::from("/tmp/x"), "/sandbox".into())
        );
        assert!(Preopen::parse("").is_err());
        assert!(Preopen::parse("::/g").is_err());
        assert!(Preopen::parse("h::").is_err());
    }

    #[test]
    fn missing_directory_is_an_error() {
        let config = WasiConfig {
            preopens: vec![Preopen::parse("/does/not/exist::/d").unwrap()],
            ..WasiConfig::default()
        };
        match context(&config) {
            Err(RunError::Link(m)) => assert!(m.contains("/does/not/exist"), "{m}"),
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("a missing directory was preopened"),
        }
    }
}
