//! How commands write their output files (src/cli/output.rs): an exclusive,
//! unpredictable temporary name, kept permissions, devices and FIFOs written
//! in place instead of replaced, and no leftover when interrupted. Every
//! test works in a scratch directory of its own, never on the real `/dev`.

#![cfg(unix)]

mod common;

use common::vitte_wat;

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A scratch directory, removed when dropped.
fn scratch(name: &str) -> common::TempDir {
    common::TempDir::new(&format!("output-{name}"))
}

fn fib() -> String {
    common::root()
        .join("examples/fib.vir")
        .display()
        .to_string()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read scratch")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o7777
}

#[test]
fn an_existing_output_keeps_its_permissions_without_set_id_bits() {
    let tmp = scratch("perms");
    let dir = tmp.0.as_path();
    let out = dir.join("fib.wasm");
    std::fs::write(&out, b"old").expect("old file");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let o = vitte_wat(&["build", &fib(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{o:?}");
    assert!(std::fs::read(&out).expect("out").starts_with(b"\0asm"));
    assert_eq!(mode(&out), 0o640);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o4755)).expect("chmod");
    let o = vitte_wat(&["build", &fib(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(mode(&out), 0o755, "set-id bits are not copied");
    assert_eq!(names_in(dir), ["fib.wasm"], "no temporary file left");
}

#[test]
fn a_fifo_destination_is_written_in_place_not_replaced() {
    let tmp = scratch("fifo");
    let dir = tmp.0.as_path();
    let fifo = dir.join("out.wat");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).expect("read fifo"))
    };
    let o = vitte_wat(&["emit", &fib(), "-o", fifo.to_str().unwrap()]);
    assert!(o.status.success(), "{o:?}");
    let text = reader.join().expect("reader");
    assert!(text.starts_with(b"(module"), "the reader got the WAT");
    let kind = std::fs::symlink_metadata(&fifo).expect("fifo").file_type();
    assert!(kind.is_fifo(), "the FIFO is still a FIFO");
    assert_eq!(names_in(dir), ["out.wat"]);
}

#[test]
fn a_device_and_a_symlink_to_it_are_written_in_place_not_replaced() {
    let tmp = scratch("device");
    let dir = tmp.0.as_path();
    let null = dir.join("null");
    // A copy of /dev/null in the scratch directory (mknod needs root: CI is
    // root; elsewhere this test says so and fails rather than pass unseen).
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status()
        .expect("mknod runs");
    assert!(
        made.success(),
        "mknod c 1 3 failed: this test needs root (CI runs as root)"
    );
    std::fs::set_permissions(&null, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    let link = dir.join("stdout");
    std::os::unix::fs::symlink(&null, &link).expect("symlink");
    for dest in [&null, &link] {
        let o = vitte_wat(&["build", &fib(), "-o", dest.to_str().unwrap()]);
        assert!(o.status.success(), "{o:?}");
    }
    assert!(
        std::fs::symlink_metadata(&null)
            .expect("null")
            .file_type()
            .is_char_device()
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(names_in(dir), ["null", "stdout"]);
}

#[test]
fn a_dangling_symlink_is_an_error_not_followed() {
    let tmp = scratch("dangling");
    let dir = tmp.0.as_path();
    let link = dir.join("out.wasm");
    std::os::unix::fs::symlink(dir.join("victim"), &link).expect("symlink");
    let o = vitte_wat(&["build", &fib(), "-o", link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        !dir.join("victim").exists(),
        "nothing created through the link"
    );
    assert_eq!(names_in(dir), ["out.wasm"]);
}

/// Starts `build` paused with its temporary file written, and returns the
/// child and that file's name once it exists.
fn paused_build(dir: &Path) -> (std::process::Child, String) {
    let out = dir.join("fib.wasm");
    let mut child = common::vitte_wat_command()
        .args(["build", &fib(), "-o", out.to_str().unwrap()])
        .env("VITTE_WAT_TEST_PAUSE_BEFORE_RENAME", "30000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let temps: Vec<String> = names_in(dir)
            .into_iter()
            .filter(|n| n.ends_with(".vitte-wat-tmp"))
            .collect();
        if let [temp] = &temps[..] {
            return (child, temp.clone());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("no temporary file appeared: {:?}", names_in(dir));
}

#[test]
fn the_temporary_name_is_unpredictable_and_recognisable() {
    let tmp = scratch("names");
    let dir = tmp.0.as_path();
    let mut seen = Vec::new();
    for _ in 0..2 {
        let (mut child, temp) = paused_build(dir);
        let pid = child.id().to_string();
        assert!(temp.starts_with(".fib.wasm."), "{temp}");
        assert!(
            !temp.contains(&pid),
            "the name does not derive from the PID: {temp}"
        );
        let meta = std::fs::symlink_metadata(dir.join(&temp)).expect("temp");
        assert!(meta.file_type().is_file());
        seen.push(temp);
        child.kill().expect("kill");
        child.wait().expect("wait");
        // After kill -9 the leftover stays, recognisable by its name.
        for name in names_in(dir) {
            std::fs::remove_file(dir.join(name)).expect("clean");
        }
    }
    assert_ne!(seen[0], seen[1]);
}

#[test]
fn an_interrupted_command_removes_its_temporary_file() {
    for (signal, number) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        let tmp = scratch(&format!("signal-{signal}"));
        let dir = tmp.0.as_path();
        let (mut child, _) = paused_build(dir);
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let status = child.wait().expect("wait");
        assert_eq!(
            status.signal(),
            Some(number),
            "dies of SIG{signal}: {status:?}"
        );
        assert_eq!(names_in(dir), Vec::<String>::new(), "SIG{signal}");
    }
}

#[test]
fn a_failed_command_leaves_no_file() {
    let tmp = scratch("failed");
    let dir = tmp.0.as_path();
    let bad = dir.join("bad.vir");
    std::fs::write(&bad, "fn @f( {\n").expect("bad input");
    let out = dir.join("bad.wasm");
    let o = vitte_wat(&["build", bad.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(names_in(dir), ["bad.vir"]);
}
