//! Progress bars: drawn on a terminal (a pseudo-terminal made by
//! `script(1)`), never into a pipe or with `--json`.

mod common;

use std::process::Command;

/// A bar's text: `12/20 programs, 0 failed, 15/s, 1s left`.
fn has_bar(out: &str, unit: &str) -> bool {
    out.contains(&format!(" {unit}, 0 failed, ")) && out.contains(" left, ")
}

/// `vitte-wat ARGS` with stdin, stdout and stderr on a pseudo-terminal;
/// what the terminal showed. `script` is util-linux's (Debian's bsdutils,
/// an essential package): without it the test fails rather than pass
/// without looking. Its typescript goes to a scratch file, not /dev/null,
/// which is a regular file on some CI machines.
fn on_a_terminal(args: &str) -> String {
    let exe = env!("CARGO_BIN_EXE_vitte-wat");
    let scratch = common::TempDir::new("progress-typescript");
    let typescript = scratch.path("typescript");
    let run = Command::new("script")
        .args(["-qec", &format!("'{exe}' {args}")])
        .arg(&typescript)
        .current_dir(common::root())
        .env(
            "VITTE_CACHE_DIR",
            std::env::temp_dir().join("vitte-wat-test-cache"),
        )
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("`script` (util-linux) runs the pseudo-terminal: {e}"));
    String::from_utf8_lossy(&run.stdout).into_owned()
}

#[test]
fn difftest_draws_a_bar_on_a_terminal_only() {
    let args = "difftest --count 20 --no-reduce --out target/progress-test";
    let shown = on_a_terminal(args);
    assert!(has_bar(&shown, "programs"), "{shown:?}");
    assert!(shown.contains("/20 programs"), "{shown:?}");
    // The final report comes after the bar, which is cleared.
    assert!(
        shown.contains("20 programs, 0 mismatches (20 passed)"),
        "{shown:?}"
    );
    let run = common::vitte_wat(&args.split(' ').collect::<Vec<_>>());
    let all = [run.stdout, run.stderr].concat();
    let text = String::from_utf8_lossy(&all);
    assert!(!has_bar(&text, "programs"), "{text:?}");
    assert!(!text.contains('\r') && !text.contains('\x1b'), "{text:?}");
}

#[test]
fn json_runs_draw_no_bar_even_on_a_terminal() {
    let shown = on_a_terminal("difftest --count 20 --no-reduce --json");
    assert!(
        shown.contains("\"schema\": \"vitte-wat-difftest/1\""),
        "{shown:?}"
    );
    assert!(!has_bar(&shown, "programs"), "{shown:?}");
    let shown = on_a_terminal("spec --json spec-tests/wasm64");
    assert!(
        shown.contains("\"schema\": \"vitte-wat-spec/1\""),
        "{shown:?}"
    );
    assert!(!has_bar(&shown, "files"), "{shown:?}");
}

#[test]
fn spec_draws_a_bar_on_a_terminal_only() {
    let shown = on_a_terminal("spec spec-tests");
    assert!(has_bar(&shown, "files"), "{shown:?}");
    assert!(shown.contains("total: "), "{shown:?}");
    let run = common::vitte_wat(&["spec", "spec-tests"]);
    let all = [run.stdout, run.stderr].concat();
    let text = String::from_utf8_lossy(&all);
    assert!(!has_bar(&text, "files"), "{text:?}");
    assert!(!text.contains('\r') && !text.contains('\x1b'), "{text:?}");
}
