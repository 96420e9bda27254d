//! `vitte-wat link A.vir B.vir ... -o OUT`: the linker's command line.
//!
//! The output's extension says what to write: `.wasm` a validated binary,
//! `.vir` the linked IR (the text the WAT comments point into), anything
//! else (and `-`) WAT text. Every output is compiled and validated first,
//! and written atomically, so an error leaves no file behind.

use super::io::{Input, Output};
use super::wasm_source_map;
use super::{Failure, LinkArgs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use vitte_codegen_wasm64::WasmBackend;
use vitte_codegen_wasm64::backend::PassTimes;
use vitte_codegen_wasm64::diag::{self, SourceFile};
use vitte_codegen_wasm64::link::{self, LinkOptions};

pub fn run(args: LinkArgs) -> Result<(), Failure> {
    if args.source_map.wanted() && extension(&args.output) != Some("wasm") {
        return Err(Failure::error(
            "--source-map maps a binary: give an OUT.wasm output",
        ));
    }
    let lowering = args.opt.options()?;
    let files = args
        .files
        .iter()
        .map(|path| read_unit(path))
        .collect::<Result<Vec<_>, _>>()?;
    let options = LinkOptions {
        exports: args.exports,
        export_all: args.export_all,
        entry: args.entry,
        no_undefined: args.no_undefined,
        gc: args.gc,
        name: linked_name(&args.output),
    };
    let linked =
        link::link_files(&files, &options).map_err(|ds| Failure::error(diag::render_list(&ds)))?;
    if args.verbose {
        eprint!("{}", linked.report);
    }
    let output = Output::new(Some(&args.output), Output::Stdout);
    let backend = WasmBackend::with_options(lowering)
        .with_locations(args.locations)
        .with_debug_info(args.locations);
    let compiled = linked
        .compile_with(&backend, args.target.into())
        .map_err(|e| Failure::error(e.to_string()))?;
    match extension(&args.output) {
        Some("wasm") => {
            let times = &mut PassTimes::default();
            let (wasm, map) =
                (args.source_map).apply(compiled.wasm, &compiled.origins, &output, times)?;
            wasm_source_map::write(&output, &wasm, map)
        }
        Some("vir") => output.write_text(linked.text()),
        _ => output.write_text(&compiled.wat),
    }
}

/// A `.vir` input; a wasm binary or WAT text is refused by name.
fn read_unit(path: &Path) -> Result<Arc<SourceFile>, Failure> {
    let input = Input::read(path)?;
    if input.is_wasm_binary() || matches!(extension(path), Some("wasm" | "wat" | "wast")) {
        return Err(Failure::error(format!(
            "{}: only Vitte IR (.vir) modules can be linked, not prebuilt wasm",
            input.name
        )));
    }
    let text = input.text("Vitte IR")?;
    Ok(SourceFile::new(input.name.clone(), text))
}

fn extension(path: &Path) -> Option<&str> {
    path.extension().and_then(|e| e.to_str())
}

/// The name of the linked text: the output's, ending in `.vir`, so that
/// `-o p.wat` and `-o p.vir` agree on what the WAT comments point into.
fn linked_name(output: &Path) -> String {
    if output == Path::new("-") {
        return "linked.vir".into();
    }
    PathBuf::from(output)
        .with_extension("vir")
        .display()
        .to_string()
}
