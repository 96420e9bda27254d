//! Writing an output file so that a failed or interrupted command leaves no
//! partial file, and so that nobody else can use the write against us.
//!
//! - A destination that is absent or a regular file is replaced atomically:
//!   the bytes go to a temporary file beside it, created exclusively
//!   (`O_CREAT|O_EXCL`, so a planted symlink or file makes the creation fail
//!   instead of being followed) under an unpredictable name, then renamed
//!   over the destination. Readers see the old file or the whole new one.
//!   An existing destination keeps its permission bits (without set-id
//!   bits); a new one gets `0666` less the umask, like any created file.
//! - Anything else (a device such as `/dev/null`, a FIFO, a socket, or a
//!   symlink such as `/dev/stdout`) is opened and written in place, like a
//!   shell's `>`: renaming over it would replace the device or the link
//!   with a regular file. A dangling symlink is an error, never created
//!   through.
//! - SIGINT, SIGTERM and SIGHUP while a temporary file exists remove it,
//!   then the process dies of the signal as it would have. After `kill -9`
//!   nothing can: the leftover is named `.NAME.XXXXXXXX.vitte-wat-tmp`
//!   (dot first, random part, this suffix) so it is easy to find.

use std::fs::{File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The suffix of every temporary output file.
pub const TEMP_SUFFIX: &str = ".vitte-wat-tmp";

/// Writes `bytes` to `path` as the [module documentation](self) says.
pub fn write_output(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_file() => replace(path, bytes, Some(meta.permissions())),
        Ok(_) => write_in_place(path, bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(path, bytes, None),
        Err(e) => Err(e),
    }
}

/// Through the existing file, device or link: no create, no rename.
fn write_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).truncate(true).open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

fn replace(path: &Path, bytes: &[u8], existing: Option<Permissions>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy());
    let mut temp = TempOutput::create(dir, &name)?;
    temp.fill(bytes, existing)?;
    // Dropping `temp` on any path out removes it if it still exists, and
    // unregisters it.
    temp.persist(path)
}

/// A temporary output file, registered for removal on a signal while it
/// exists, and removed when dropped unless it was renamed into place.
struct TempOutput {
    file: Option<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl TempOutput {
    fn create(dir: &Path, name: &str) -> io::Result<TempOutput> {
        let registry = registry();
        // Held while creating and registering: a signal handled meanwhile
        // waits for the registration, so it cannot miss the new file.
        let mut paths = registry.lock().unwrap_or_else(|e| e.into_inner());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(TEMP_SUFFIX).rand_bytes(8);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // The umask applies to the mode given at creation, as for any
            // new file (tempfile's own default is 0600).
            builder.permissions(Permissions::from_mode(0o666));
        }
        let file = builder.tempfile_in(dir)?;
        let path = file.path().to_path_buf();
        paths.push(path.clone());
        Ok(TempOutput {
            file: Some(file),
            path,
        })
    }

    fn fill(&self, bytes: &[u8], existing: Option<Permissions>) -> io::Result<()> {
        let Some(temp) = &self.file else {
            return Ok(());
        };
        let mut file: &File = temp.as_file();
        file.write_all(bytes)?;
        if let Some(perms) = existing {
            file.set_permissions(without_set_id(perms))?;
        }
        testing_pause();
        file.sync_all()
    }

    fn persist(&mut self, path: &Path) -> io::Result<()> {
        match self.file.take() {
            Some(file) => file.persist(path).map(drop).map_err(|e| e.error),
            None => Ok(()),
        }
    }
}

impl Drop for TempOutput {
    fn drop(&mut self) {
        // Dropping a NamedTempFile removes it; after `persist` it is gone.
        drop(self.file.take());
        let mut paths = registry().lock().unwrap_or_else(|e| e.into_inner());
        paths.retain(|p| p != &self.path);
    }
}

/// The temporary files that exist now; the first use starts the thread
/// that removes them on a signal.
fn registry() -> &'static Mutex<Vec<PathBuf>> {
    static REGISTRY: OnceLock<Mutex<Vec<PathBuf>>> = OnceLock::new();
    static HANDLER: OnceLock<()> = OnceLock::new();
    let registry = REGISTRY.get_or_init(|| Mutex::new(Vec::new()));
    HANDLER.get_or_init(|| remove_on_signal(registry));
    registry
}

#[cfg(unix)]
fn remove_on_signal(registry: &'static Mutex<Vec<PathBuf>>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;
    // Without the handler a signal still kills the process, as before: only
    // the cleanup is lost, so a failure here is not an error.
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("vitte-output-cleanup".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let paths = registry.lock().unwrap_or_else(|e| e.into_inner());
                for path in paths.iter() {
                    let _ = std::fs::remove_file(path);
                }
                // Dies of the signal, with the registry still locked so no
                // new temporary file appears meanwhile.
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    drop(spawned);
}

#[cfg(not(unix))]
fn remove_on_signal(_: &'static Mutex<Vec<PathBuf>>) {}

#[cfg(unix)]
fn without_set_id(perms: Permissions) -> Permissions {
    use std::os::unix::fs::PermissionsExt;
    Permissions::from_mode(perms.mode() & 0o777)
}

#[cfg(not(unix))]
fn without_set_id(perms: Permissions) -> Permissions {
    perms
}

/// For the interruption test only (`tests/output_files.rs`): with
/// `VITTE_WAT_TEST_PAUSE_BEFORE_RENAME=MS` set, the command waits that long
/// with the temporary file written, so the test can signal it then.
fn testing_pause() {
    if let Some(ms) = std::env::var_os("VITTE_WAT_TEST_PAUSE_BEFORE_RENAME")
        .and_then(|v| v.to_str()?.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(60_000)));
    }
}
