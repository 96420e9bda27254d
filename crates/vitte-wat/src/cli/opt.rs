//! The optimisation options every compiling command takes (`-O0`, `-O1`,
//! `-O2`, `--disable-pass`, `--enable-pass`), and `vitte-wat opt`, which
//! shows what the IR-to-IR passes do to a module.

use super::Failure;
use super::commands::load_ir;
use super::io::Output;
use clap::Args;
use std::path::PathBuf;
use vitte_codegen_wasm64::lower::{self, OptLevel, Options, PASSES};
use vitte_codegen_wasm64::text;

/// `-O LEVEL`, then passes switched off or on, like LLVM's `-O2
/// -disable-...`: the level picks the passes (docs/lowering.md has the
/// table), the flags change single ones.
#[derive(Args, Clone, Debug, Default)]
pub struct OptArgs {
    /// Optimisation level: 0 (each instruction lowered as it is), 1 (the
    /// cheap passes) or 2 (everything, the default).
    #[arg(short = 'O', value_name = "LEVEL", value_parser = parse_level, default_value = "2")]
    pub level: OptLevel,
    /// Switch a pass off (repeatable or comma-separated; `vitte-wat opt
    /// --list-passes` lists them).
    #[arg(long = "disable-pass", value_name = "PASS", value_delimiter = ',')]
    pub disable: Vec<String>,
    /// Switch a pass on that the level leaves off (after --disable-pass).
    #[arg(long = "enable-pass", value_name = "PASS", value_delimiter = ',')]
    pub enable: Vec<String>,
}

fn parse_level(text: &str) -> Result<OptLevel, String> {
    OptLevel::parse(text).ok_or_else(|| format!("`{text}` is not a level: 0, 1 or 2"))
}

impl OptArgs {
    /// The lowering options these flags give; an unknown pass is an error.
    pub fn options(&self) -> Result<Options, Failure> {
        let mut options = Options::at(self.level);
        let switches =
            (self.disable.iter().map(|p| (p, false))).chain(self.enable.iter().map(|p| (p, true)));
        for (pass, on) in switches {
            options.set(pass, on).map_err(Failure::Error)?;
        }
        Ok(options)
    }
}

#[derive(Args)]
pub struct OptCommandArgs {
    /// A .vir file (`-` for stdin).
    #[arg(required_unless_present = "list_passes")]
    pub file: Option<PathBuf>,
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub opt: OptArgs,
    /// Print the module after each IR-to-IR pass, each under a `;; IR
    /// after PASS` line, instead of only at the end.
    #[arg(long)]
    pub print_after_all: bool,
    /// List the passes, the level that runs each and what it does.
    #[arg(long)]
    pub list_passes: bool,
}

/// `vitte-wat opt`: the module after the IR-to-IR passes of the options
/// (the switch expansion included, which always runs), as `.vir` text;
/// the other passes are choices the lowering makes as it writes wasm.
pub fn run(args: OptCommandArgs) -> Result<(), Failure> {
    if args.list_passes {
        let mut out = String::new();
        let width = PASSES.iter().map(|p| p.name.len()).max().unwrap_or(0);
        for pass in PASSES {
            let kind = if pass.rewrites_ir { "IR" } else { "lowering" };
            out.push_str(&format!(
                "{:<width$} {} {:<9} {}\n",
                pass.name, pass.level, kind, pass.what
            ));
        }
        print!("{out}");
        return Ok(());
    }
    let file = args.file.as_deref().expect("clap requires FILE");
    let options = args.opt.options()?;
    let module = load_ir(file)?;
    let mut text = String::new();
    let optimized = lower::optimize_module(&module, &options, |pass, module| {
        if args.print_after_all {
            text.push_str(&format!(";; IR after {pass}\n"));
            text.push_str(&text::print_module(module));
            text.push('\n');
        }
    });
    if !args.print_after_all {
        text = text::print_module(&optimized);
    }
    Output::new(args.output.as_deref(), Output::Stdout).write_text(&text)
}
