//! The subcommands.

use super::io::{Input, Kind, Output, kind_of};
use super::wasm_source_map;
use super::{Command, Failure};
use std::path::Path;
use vitte_codegen_wasm64::backend::PassTimes;
use vitte_codegen_wasm64::diag::{self, SourceFile};
use vitte_codegen_wasm64::ir::{Module, Target};
use vitte_codegen_wasm64::text;
use vitte_codegen_wasm64::value::Value;
use vitte_codegen_wasm64::wat::{FuncOrigins, annotations};
use vitte_codegen_wasm64::{Error, WasmBackend, dwarf, emit, validate};

pub fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Check { file } => load_ir(&file).map(|_| ()),
        Command::Emit {
            file,
            output,
            target,
            locations,
            opt,
        } => {
            let options = opt.options()?;
            let module = load_ir(&file)?;
            let wat = WasmBackend::with_options(options)
                .with_locations(locations)
                .emit_wat(&module, target.into())
                .map_err(pipeline_error)?;
            Output::new(output.as_deref(), Output::Stdout).write_text(&wat)
        }
        Command::Build {
            file,
            output,
            target,
            time_passes,
            direct,
            locations,
            source_map,
            opt,
        } => {
            let options = opt.options()?;
            let mut times = PassTimes::default();
            let input = times.time("read", || Input::read(&file))?;
            let name = input.name.clone();
            let file_text = input.into_text("Vitte IR")?;
            let source = SourceFile::new(name, file_text);
            let backend = WasmBackend::with_options(options)
                .with_locations(locations)
                .with_debug_info(locations)
                .one_shot();
            let target = target.into();
            let (wasm, origins) = match (direct, source_map.wanted()) {
                (true, true) => {
                    backend.compile_source_direct_with_origins(&source, target, &mut times)
                }
                (true, false) => backend
                    .compile_source_direct_timed(&source, target, &mut times)
                    .map(|wasm| (wasm, Vec::new())),
                (false, _) => backend
                    .compile_source_timed(&source, target, &mut times)
                    .map(|compiled| (compiled.wasm, compiled.origins)),
            }
            .map_err(pipeline_error)?;
            let out = default_binary_output(&file, output.as_deref());
            let (wasm, map) = source_map.apply(wasm, &origins, &out, &mut times)?;
            times.time("write", || wasm_source_map::write(&out, &wasm, map))?;
            if time_passes {
                print_times(&times);
            }
            Ok(())
        }
        Command::Asm {
            file,
            output,
            time_passes,
            locations,
            source_map,
        } => {
            let mut times = PassTimes::default();
            let input = times.time("read", || Input::read(&file))?;
            let (wasm, origins) = if locations || source_map.wanted() {
                assemble_with_origins(&input, locations, &mut times)?
            } else {
                (assemble_timed(&input, &mut times)?, Vec::new())
            };
            let out = default_binary_output(&file, output.as_deref());
            let (wasm, map) = source_map.apply(wasm, &origins, &out, &mut times)?;
            times.time("write", || wasm_source_map::write(&out, &wasm, map))?;
            if time_passes {
                print_times(&times);
            }
            Ok(())
        }
        Command::Dis { file, output } => {
            let input = Input::read(&file)?;
            let text = emit::disassemble(&input.bytes)
                .map_err(|e| Failure::error(format!("{}: {e}", input.name)))?;
            Output::new(output.as_deref(), Output::Stdout).write_text(&text)
        }
        Command::Validate { file, target } => binary_of(&file, target.into()).map(|_| ()),
        Command::Run(args) => super::run::run(args),
        Command::Profile(args) => super::run::profile(args),
        Command::Compile(args) => super::compile::compile(args),
        Command::Interp(args) => super::interp::run(args),
        Command::Spec(args) => super::spec::run(&args),
        Command::Difftest(args) => super::difftest::run(&args),
        Command::Link(args) => super::link::run(args),
        Command::Merge(args) => super::merge::run(&args),
        Command::Inspect(args) => super::inspect::run(args),
        Command::Opt(args) => super::opt::run(args),
        Command::Explore(args) => super::explore::run(args),
    }
}

/// `--time-passes`: one `time-passes: NAME SECONDS s` line per pass, the
/// total, and the peak resident memory of the process.
fn print_times(times: &PassTimes) {
    let mut out = String::new();
    for (name, d) in &times.passes {
        out.push_str(&format!("time-passes: {name} {:.6} s\n", d.as_secs_f64()));
    }
    out.push_str(&format!(
        "time-passes: total {:.6} s\n",
        times.total().as_secs_f64()
    ));
    if let Some(kib) = peak_rss_kib() {
        out.push_str(&format!("time-passes: peak-rss {kib} KiB\n"));
    }
    eprint!("{out}");
}

/// `VmHWM` of /proc/self/status: the peak resident set size (Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Parses and verifies a `.vir` file; every error is reported.
pub(super) fn load_ir(path: &Path) -> Result<Module, Failure> {
    let input = Input::read(path)?;
    let text = input.text("Vitte IR")?;
    let file = SourceFile::new(input.name.clone(), text);
    text::load(&file).map_err(|ds| Failure::error(diag::render_list(&ds)))
}

fn pipeline_error(e: Error) -> Failure {
    Failure::error(e.to_string())
}

/// `FILE.wasm` beside the input, or stdout for stdin.
fn default_binary_output(file: &Path, output: Option<&Path>) -> Output {
    let default = if file == Path::new("-") {
        Output::Stdout
    } else {
        Output::File(file.with_extension("wasm"))
    };
    Output::new(output, default)
}

pub(super) fn assemble(input: &Input) -> Result<Vec<u8>, Failure> {
    assemble_timed(input, &mut PassTimes::default())
}

fn assemble_timed(input: &Input, times: &mut PassTimes) -> Result<Vec<u8>, Failure> {
    let text = input.text("WAT")?;
    let wasm = times
        .time("assemble", || emit::assemble(text, &input.name))
        .map_err(|e| Failure::error(e.to_string()))?;
    times
        .time("validate", || validate::validate(&wasm))
        .map_err(|e| Failure::error(format!("{}: {e}", input.name)))?;
    Ok(wasm)
}

/// `asm -g`: the validated binary with the DWARF of the text's origins
/// appended (`wat::annotations`).
pub(super) fn assemble_with_dwarf(input: &Input) -> Result<Vec<u8>, Failure> {
    let times = &mut PassTimes::default();
    assemble_with_origins(input, true, times).map(|(wasm, _)| wasm)
}

/// The validated binary and the origins of the text (`wat::annotations`),
/// with their DWARF appended if `with_dwarf` (`asm -g`).
fn assemble_with_origins(
    input: &Input,
    with_dwarf: bool,
    times: &mut PassTimes,
) -> Result<(Vec<u8>, Vec<FuncOrigins>), Failure> {
    let text = input.text("WAT")?;
    let (wasm, origins) = times
        .time("assemble", || {
            annotations::assemble_with_origins(text, &input.name)
        })
        .map_err(|e| Failure::error(e.to_string()))?;
    times
        .time("validate", || validate::validate(&wasm))
        .map_err(|e| Failure::error(format!("{}: {e}", input.name)))?;
    if !with_dwarf {
        return Ok((wasm, origins));
    }
    let wasm = times
        .time("dwarf", || {
            let target = dwarf::target_of(&wasm)?;
            dwarf::append_debug_info(wasm, &origins, target)
        })
        .map_err(|e| Failure::error(format!("{}: {e}", input.name)))?;
    Ok((wasm, origins))
}

/// A validated binary from a `.vir`, `.wat` or `.wasm` file.
fn binary_of(path: &Path, target: Target) -> Result<Vec<u8>, Failure> {
    let input = Input::read(path)?;
    match kind_of(path, &input) {
        Kind::Wasm => {
            validate::validate(&input.bytes)
                .map_err(|e| Failure::error(format!("{}: {e}", input.name)))?;
            Ok(input.bytes)
        }
        Kind::Wat => assemble(&input),
        Kind::Vir => {
            let text = input.text("Vitte IR")?;
            let file = SourceFile::new(input.name.clone(), text);
            let compiled = WasmBackend::new()
                .compile_source(&file, target)
                .map_err(pipeline_error)?;
            Ok(compiled.wasm)
        }
    }
}

/// [`binary_of`] with DWARF (`compile -g`): a `.vir` compiled as `build
/// -g` compiles it, WAT assembled as `asm -g` assembles it, a `.wasm` as it
/// is (with the DWARF it has).
pub(super) fn binary_with_dwarf(
    path: &Path,
    input: &Input,
    target: Target,
    opt: &super::OptArgs,
) -> Result<Vec<u8>, Failure> {
    match kind_of(path, input) {
        Kind::Wasm => {
            validate::validate(&input.bytes)
                .map_err(|e| Failure::error(format!("{}: {e}", input.name)))?;
            Ok(input.bytes.clone())
        }
        Kind::Wat => assemble_with_dwarf(input),
        Kind::Vir => {
            let text = input.text("Vitte IR")?;
            let file = SourceFile::new(input.name.clone(), text);
            let compiled = WasmBackend::with_options(opt.options()?)
                .with_debug_info(true)
                .compile_source(&file, target)
                .map_err(pipeline_error)?;
            Ok(compiled.wasm)
        }
    }
}

pub(super) fn print_results(values: &[Value]) {
    for value in values {
        println!("{value}");
    }
}
