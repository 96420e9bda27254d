//! What the lowering's optimizations buy, over the golden cases.
//!
//! ```sh
//! cargo run --release --example lowering_stats [DIR]   # default: tests/cases
//! ```
//!
//! For each setting it compiles every `.vir` file for wasm64 and sums the
//! wasm locals declared, the bytes of function bodies (the code section
//! without its header) and the lines of WAT.

use std::path::{Path, PathBuf};
use vitte_codegen_wasm64::diag::SourceFile;
use vitte_codegen_wasm64::lower::Options;
use vitte_codegen_wasm64::{Target, WasmBackend, text};

#[derive(Default)]
struct Totals {
    locals: u64,
    code_bytes: u64,
    wat_lines: u64,
}

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/cases".into());
    let files = vir_files(Path::new(&dir))?;
    // Cumulative: -O0, then each pass switched on in the lowering's order
    // of importance, the last line being the default (-O2).
    let steps = [
        ("+ stack values, constants at use", "stack-values"),
        ("+ shared locals", "reuse-locals"),
        ("+ loops rotated", "rotate-loops"),
        ("+ small leaves inlined", "inline"),
        ("+ offsets folded", "fold-offsets"),
        ("+ vars promoted", "promote-vars"),
        ("+ loads reused (default)", "load-cse"),
    ];
    let mut settings = vec![("one local per value (-O0)", Options::none())];
    for (name, pass) in steps {
        let mut options = settings.last().expect("a first setting").1;
        options.set(pass, true).map_err(anyhow::Error::msg)?;
        settings.push((name, options));
    }
    assert_eq!(settings.last().map(|s| s.1), Some(Options::default()));
    println!("{} files in {dir}, wasm64", files.len());
    println!(
        "{:<36} {:>8} {:>12} {:>10}",
        "setting", "locals", "code bytes", "WAT lines"
    );
    for (name, options) in settings {
        let mut totals = Totals::default();
        for path in &files {
            let text = std::fs::read_to_string(path)?;
            let file = SourceFile::new(path.display().to_string(), text);
            let module = text::load(&file).map_err(|ds| anyhow::anyhow!("{}", ds[0]))?;
            let compiled =
                WasmBackend::with_options(options).compile_module(&module, Target::Wasm64)?;
            add(&mut totals, &compiled.wasm, &compiled.wat)?;
        }
        println!(
            "{:<36} {:>8} {:>12} {:>10}",
            name, totals.locals, totals.code_bytes, totals.wat_lines
        );
    }
    Ok(())
}

fn add(totals: &mut Totals, wasm: &[u8], wat: &str) -> anyhow::Result<()> {
    totals.wat_lines += wat.lines().count() as u64;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload? {
            totals.code_bytes += body.range().len() as u64;
            for local in body.get_locals_reader()? {
                totals.locals += local?.0 as u64;
            }
        }
    }
    Ok(())
}

fn vir_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "vir"))
        .collect();
    files.sort();
    Ok(files)
}
