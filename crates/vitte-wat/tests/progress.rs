//! Progress bars: drawn on a terminal (a pseudo-terminal made by
//! `script(1)`), never into a pipe or with `--json`.

mod common;

use std::process::{Command, Output};

/// A bar's text: `12/20 programs, 0 failed, 15/s, 1s left`.
fn has_bar(out: &str, unit: &str) -> bool {
    out.contains(&format!(" {unit}, 0 failed, ")) && out.contains(" left, ")
}

/// `vitte-wat ARGS` with stdin, stdout and stderr on a pseudo-terminal;
/// what the terminal showed. `None` when `script` is not installed.
fn on_a_terminal(args: &str) -> Option<String> {
    let exe = env!("CARGO_BIN_EXE_vitte-wat");
    let run = Command::new("script")
        .args(["-qec", &format!("'{exe}' {args}"), "/dev/null"])
        .current_dir(common::root())
        .env(
            "VITTE_CACHE_DIR",
            std::env::temp_dir().join("vitte-wat-test-cache"),
        )
        .stdin(std::process::Stdio::null())
        .output();
    match run {
        Ok(out) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("`script` is not installed: no pseudo-terminal to test with");
            None
        }
        Err(e) => panic!("script: {e}"),
    }
}

fn piped(args: &[&str]) -> Output {
    common::vitte_wat_command()
        .args(args)
        .output()
        .expect("vitte-wat runs")
}

#[test]
fn difftest_draws_a_bar_on_a_terminal_only() {
    let args = "difftest --count 20 --no-reduce --out target/progress-test";
    let Some(shown) = on_a_terminal(args) else {
        return;
    };
    assert!(has_bar(&shown, "programs"), "{shown:?}");
    assert!(shown.contains("/20 programs"), "{shown:?}");
    // The final report comes after the bar, which is cleared.
    assert!(
        shown.contains("20 programs, 0 mismatches (20 passed)"),
        "{shown:?}"
    );
    let run = piped(&args.split(' ').collect::<Vec<_>>());
    let all = [run.stdout, run.stderr].concat();
    let text = String::from_utf8_lossy(&all);
    assert!(!has_bar(&text, "programs"), "{text:?}");
    assert!(!text.contains('\r') && !text.contains('\x1b'), "{text:?}");
}

#[test]
fn json_runs_draw_no_bar_even_on_a_terminal() {
    let Some(shown) = on_a_terminal("difftest --count 20 --no-reduce --json") else {
        return;
    };
    assert!(
        shown.contains("\"schema\": \"vitte-wat-difftest/1\""),
        "{shown:?}"
    );
    assert!(!has_bar(&shown, "programs"), "{shown:?}");
    let Some(shown) = on_a_terminal("spec --json spec-tests/wasm64") else {
        return;
    };
    assert!(
        shown.contains("\"schema\": \"vitte-wat-spec/1\""),
        "{shown:?}"
    );
    assert!(!has_bar(&shown, "files"), "{shown:?}");
}

#[test]
fn spec_draws_a_bar_on_a_terminal_only() {
    let Some(shown) = on_a_terminal("spec spec-tests") else {
        return;
    };
    assert!(has_bar(&shown, "files"), "{shown:?}");
    assert!(shown.contains("total: "), "{shown:?}");
    let run = piped(&["spec", "spec-tests"]);
    let all = [run.stdout, run.stderr].concat();
    let text = String::from_utf8_lossy(&all);
    assert!(!has_bar(&text, "files"), "{text:?}");
    assert!(!text.contains('\r') && !text.contains('\x1b'), "{text:?}");
}
