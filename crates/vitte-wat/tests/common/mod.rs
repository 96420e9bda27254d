//! Helpers shared by the file-driven tests.
#![allow(dead_code)]

pub mod agree;
pub mod checks;

use std::path::{Path, PathBuf};

/// The repository's root (the workspace's), where the test files live, so
/// that tests name files by stable relative paths.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/vitte-wat is two levels below the root")
        .to_path_buf()
}

/// `vitte-wat`, run from the crate root. Its compile cache lives in the
/// system's temp dir, so tests never write to the user's `~/.cache`.
pub fn vitte_wat_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_vitte-wat"));
    command.current_dir(root()).env(
        "VITTE_CACHE_DIR",
        std::env::temp_dir().join("vitte-wat-test-cache"),
    );
    command
}

/// Runs `vitte-wat ARGS` ([`vitte_wat_command`]) to completion.
pub fn vitte_wat(args: &[&str]) -> std::process::Output {
    vitte_wat_command()
        .args(args)
        .output()
        .expect("vitte-wat runs")
}

/// A command's standard output, as text.
pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A command's standard error, as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Whether `VITTE_BLESS=1` asks to rewrite expected files.
pub fn blessing() -> bool {
    std::env::var_os("VITTE_BLESS").is_some_and(|v| v == "1")
}

/// A path relative to the crate root, with `/` separators.
pub fn relative(path: &Path) -> String {
    let rel = path.strip_prefix(root()).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Files under `dir` (recursively) with the extension `ext`, sorted.
pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Errors as the command line prints them: `diag::render_list`, each
/// error after `error: `, a line end after the last; nothing for none.
pub fn render_errors<T: std::fmt::Display>(errors: &[T]) -> String {
    match errors {
        [] => String::new(),
        _ => format!(
            "error: {}\n",
            vitte_codegen_wasm64::diag::render_list(errors)
        ),
    }
}

/// Compares `actual` with the expected file, or rewrites it when blessing.
/// Returns a description of the mismatch, if any.
pub fn check_golden(expected_path: &Path, actual: &str) -> Result<(), String> {
    if blessing() {
        if std::fs::read_to_string(expected_path).ok().as_deref() != Some(actual) {
            std::fs::write(expected_path, actual).expect("write blessed file");
        }
        return Ok(());
    }
    let expected = std::fs::read_to_string(expected_path).map_err(|e| {
        format!(
            "{}: {e} (run with VITTE_BLESS=1 to create it)",
            relative(expected_path)
        )
    })?;
    if expected == actual {
        return Ok(());
    }
    Err(format!(
        "{} differs from the output (VITTE_BLESS=1 rewrites it):\n{}",
        relative(expected_path),
        line_diff(&expected, actual)
    ))
}

/// A small line diff: the first differing lines with some context.
pub fn line_diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = e.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let mut out = String::new();
    let from = first.saturating_sub(2);
    for line in &e[from..first] {
        out.push_str(&format!("  {line}\n"));
    }
    for line in e.iter().skip(first).take(8) {
        out.push_str(&format!("- {line}\n"));
    }
    for line in a.iter().skip(first).take(8) {
        out.push_str(&format!("+ {line}\n"));
    }
    out.push_str(&format!(
        "(first difference at line {}; {} lines expected, {} found)\n",
        first + 1,
        e.len(),
        a.len()
    ));
    out
}

/// One test per file (libtest-mimic), named by its path relative to the
/// root, so that `cargo test --release fib` runs `tests/cases/fib.vir`
/// alone and a failure names its file. The families that use it are test
/// targets with `harness = false` (crates/vitte-wat/Cargo.toml).
pub fn file_trials(
    files: &[PathBuf],
    check: impl Fn(&Path) -> Result<(), String> + Send + Sync + 'static,
) -> Vec<libtest_mimic::Trial> {
    let check = std::sync::Arc::new(check);
    files
        .iter()
        .map(|path| {
            let check = check.clone();
            let path = path.clone();
            libtest_mimic::Trial::test(relative(&path), move || Ok(check(&path)?))
        })
        .collect()
}

/// A test of a `harness = false` target that is not one per file.
pub fn trial(
    name: &str,
    test: impl FnOnce() -> Result<(), String> + Send + 'static,
) -> libtest_mimic::Trial {
    libtest_mimic::Trial::test(name, move || Ok(test()?))
}

/// The golden cases (`tests/cases/**/*.vir`), and a trial that fails when
/// fewer than 25 are found: a moved directory must not make the per-case
/// trials pass by running none.
pub fn golden_cases() -> (Vec<PathBuf>, libtest_mimic::Trial) {
    let files = files_with_extension(&root().join("tests/cases"), "vir");
    let count = files.len();
    let check = trial("at_least_25_cases", move || match count {
        25.. => Ok(()),
        _ => Err(format!("expected at least 25 cases, found {count}")),
    });
    (files, check)
}

/// A plain test function (it fails by panicking, like a `#[test]`) as a
/// test of a `harness = false` target.
pub fn test_fn(name: &str, test: fn()) -> libtest_mimic::Trial {
    libtest_mimic::Trial::test(name, move || {
        test();
        Ok(())
    })
}

/// Runs the trials like libtest, with its command line (a filter, `--exact`,
/// `--list`, `--test-threads`...), and exits.
pub fn run_trials(trials: Vec<libtest_mimic::Trial>) -> ! {
    libtest_mimic::run(&libtest_mimic::Arguments::from_args(), trials).exit()
}

/// Runs `check` on each file and fails once, listing every failure: for a
/// handful of files checked inside one `#[test]` of a harnessed target.
pub fn run_all(files: &[PathBuf], mut check: impl FnMut(&Path) -> Result<(), String>) {
    assert!(!files.is_empty(), "no test files found");
    let failures: Vec<String> = files.iter().filter_map(|f| check(f).err()).collect();
    if !failures.is_empty() {
        panic!(
            "{} of {} files failed:\n\n{}",
            failures.len(),
            files.len(),
            failures.join("\n")
        );
    }
}

/// A fresh empty directory under the target dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("vitte-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
