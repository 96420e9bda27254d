//! `vitte-wat explore`: one self-contained HTML page with a module's IR,
//! its WAT and its binary side by side, linked line by line through the
//! lowering's origins, each function's CFG with the lowering's nesting
//! ([`cfg`]), its WAT after each pass ([`passes`]) and, with `--profile`,
//! its lines shaded by their samples ([`profile`]) (README, Exploring the
//! pipeline). `--diff OLD NEW` compares two modules' WAT and code sizes.

mod cfg;
mod diff;
mod html;
mod model;
mod passes;
mod profile;

use super::io::{Input, Output};
use super::{Failure, TargetArg};
use clap::Args;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use vitte_codegen_wasm64::WasmBackend;
use vitte_codegen_wasm64::diag::{self, SourceFile};
use vitte_codegen_wasm64::ir::Target;
use vitte_codegen_wasm64::lower::Options;
use vitte_codegen_wasm64::text;

#[derive(Args)]
pub struct ExploreArgs {
    /// The .vir file; with --diff, OLD.vir NEW.vir.
    #[arg(required = true, num_args = 1..=2)]
    pub files: Vec<PathBuf>,
    /// The page [default: FILE.html beside the input; with --diff, NEW.diff.html].
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "wasm64")]
    pub target: TargetArg,
    /// Compare OLD.vir and NEW.vir: each function's WAT line diff and code
    /// sizes, with the total.
    #[arg(long)]
    pub diff: bool,
    /// With --diff, OLD's optimisation as words, `O0` or `O2 no-load-cse`
    /// (default: NEW's, from -O and the pass switches): the same file on
    /// both sides then shows what the passes did.
    #[arg(long, value_name = "WORDS", requires = "diff")]
    pub old_opt: Option<String>,
    /// Shade the IR lines (and the WAT and bytes they became) by their
    /// share of the samples of PROF, a profile `vitte-wat run --profile`
    /// wrote (.folded, .txt or .json).
    #[arg(long, value_name = "PROF", conflicts_with = "diff")]
    pub profile: Option<PathBuf>,
    #[command(flatten)]
    pub opt: super::OptArgs,
}

pub fn run(args: ExploreArgs) -> Result<(), Failure> {
    let target: Target = args.target.into();
    let options = args.opt.options()?;
    let old_options = match &args.old_opt {
        Some(words) => Options::from_words(words).map_err(Failure::Error)?,
        None => options,
    };
    let (page, main) = match (args.diff, args.files.as_slice()) {
        (false, [file]) => {
            let mut page = explore(file, target, options, true)?;
            if let Some(path) = &args.profile {
                let input = Input::read(path)?;
                let name = input.name.clone();
                let text = input.into_text("profile")?;
                let counts = profile::read(path, &name, &text).map_err(Failure::Error)?;
                profile::apply(&mut page, &counts);
            }
            (html::write(&page), file)
        }
        (true, [old, new]) => {
            let old_page = explore(old, target, old_options, false)?;
            let new_page = explore(new, target, options, false)?;
            (diff::write(&old_page, &new_page), new)
        }
        (false, _) => {
            return Err(Failure::error(
                "explore takes one FILE.vir (two with --diff)",
            ));
        }
        (true, _) => return Err(Failure::error("explore --diff takes OLD.vir NEW.vir")),
    };
    let default = if main == Path::new("-") {
        Output::Stdout
    } else if args.diff {
        Output::File(main.with_extension("diff.html"))
    } else {
        Output::File(main.with_extension("html"))
    };
    Output::new(args.output.as_deref(), default).write_text(&page)
}

/// Loads, lowers (with the origins) and assembles `file`: the page's data,
/// with the WAT after each pass when `stages`.
fn explore(
    file: &Path,
    target: Target,
    options: Options,
    stages: bool,
) -> Result<model::Page, Failure> {
    let input = Input::read(file)?;
    let name = input.name.clone();
    let source: Arc<SourceFile> = SourceFile::new(name, input.into_text("Vitte IR")?);
    let module = text::load(&source).map_err(|ds| Failure::error(diag::render_list(&ds)))?;
    let compiled = WasmBackend::with_options(options)
        .with_locations(true)
        .compile_source(&source, target)
        .map_err(|e| Failure::error(e.to_string()))?;
    let target_name = match target {
        Target::Wasm64 => "wasm64",
        Target::Wasm32 => "wasm32",
    };
    let in_file = |e: String| Failure::error(format!("{}: {e}", source.name));
    let mut page = model::build(
        &source,
        &module,
        target_name,
        &compiled.wat,
        &compiled.wasm,
        &compiled.origins,
    )
    .map_err(in_file)?;
    if stages {
        passes::add(&mut page, &module, target, options).map_err(in_file)?;
    }
    Ok(page)
}
