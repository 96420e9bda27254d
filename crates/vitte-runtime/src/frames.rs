//! A wasm frame as a person reads it: the function and the source position
//! of the instruction it was at, read from the module's DWARF.
//!
//! wasmtime does the reading: the engine keeps each module's `.debug_*`
//! sections (`Config::wasm_backtrace_details`, see `engine.rs`) and looks
//! every captured frame's code offset up in them with addr2line
//! ([`FrameInfo::symbols`]): the trapping instruction for the innermost
//! frame, the call for the others. A `.vir` is compiled with DWARF by
//! `vitte-wat run`, and `build -g` writes the same, so a `.wasm` or a
//! `.cwasm` made from it (the artifact keeps the sections) gives the same
//! frames. A module without DWARF, or code it does not cover (the WASI
//! adapter's functions), falls back to the name section's name. A sampling
//! runtime's engine keeps no DWARF: its frames' symbols come from our own
//! lookup (`symbols.rs`), through [`describe_in`] and [`expand_in`].

use wasmtime::{FrameInfo, FrameSymbol};

/// A source position from a DWARF line row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Position<'a> {
    pub file: &'a str,
    pub line: u32,
    /// `None` for DWARF's "left edge" (column 0): unknown.
    pub col: Option<u32>,
}

impl std::fmt::Display for Position<'_> {
    /// `file:line:col`, or `file:line`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        match self.col {
            Some(col) => write!(f, ":{col}"),
            None => Ok(()),
        }
    }
}

/// A frame at an address as addr2line gives it: wasmtime's [`FrameSymbol`],
/// or the profiler's own lookup's (`symbols.rs`, for an engine that keeps
/// no DWARF), which must read the same.
pub(crate) trait Symbol {
    fn name(&self) -> Option<&str>;
    fn file(&self) -> Option<&str>;
    fn line(&self) -> Option<u32>;
    fn column(&self) -> Option<u32>;
}

impl Symbol for FrameSymbol {
    fn name(&self) -> Option<&str> {
        self.name()
    }
    fn file(&self) -> Option<&str> {
        self.file()
    }
    fn line(&self) -> Option<u32> {
        self.line()
    }
    fn column(&self) -> Option<u32> {
        self.column()
    }
}

/// The position of a symbol, when its line row has a file and a line.
fn position(symbol: &impl Symbol) -> Option<Position<'_>> {
    Some(Position {
        file: symbol.file()?,
        line: symbol.line().filter(|&l| l > 0)?,
        col: symbol.column().filter(|&c| c > 0),
    })
}

/// The name of the function holding a frame's code: its DWARF
/// subprogram's (the IR function's) when the frame has one, else the name
/// section's, else `func[N]`. addr2line gives the symbols innermost first,
/// so for code inlined there the holder is the last.
fn holder_name(frame: &FrameInfo, symbols: &[impl Symbol]) -> String {
    match (symbols.last().and_then(|s| s.name()), frame.func_name()) {
        (Some(n), _) | (None, Some(n)) => n.to_string(),
        (None, None) => format!("func[{}]", frame.func_index()),
    }
}

/// Whether a source file is Vitte IR, whose functions are written `@name`.
fn is_ir(file: &str) -> bool {
    file.ends_with(".vir")
}

/// The lines of a backtrace for one wasm frame, without their indices,
/// innermost first: `@div (prog.vir:3:3), wasm offset 0x72` for an IR
/// function with DWARF, `main, wasm offset 0x2a` without. Code inlined
/// into the frame's function (`DW_TAG_inlined_subroutine`, which our
/// lowering writes for the callees it copies) gives a line per inlined
/// function first, at its own position, then the holding function at the
/// call: the frames the code would have without inlining, each with the
/// frame's offset.
pub(crate) fn describe(frame: &FrameInfo) -> Vec<String> {
    describe_in(frame, frame.symbols())
}

/// [`describe`] with the frame's symbols given (innermost first).
pub(crate) fn describe_in<S: Symbol>(frame: &FrameInfo, symbols: &[S]) -> Vec<String> {
    let offset = match frame.module_offset() {
        Some(offset) => format!(", wasm offset {offset:#x}"),
        None => String::new(),
    };
    (expand_in(frame, symbols).into_iter())
        .map(|(name, at)| match at {
            Some(at) => {
                let sigil = if is_ir(at.file) { "@" } else { "" };
                format!("{sigil}{name} ({at}){offset}")
            }
            None => format!("{name}{offset}"),
        })
        .collect()
}

/// The functions a frame's code stands for, innermost first, each with its
/// position: every function inlined there at its own line, then the
/// function holding the code at the outermost inlined call; one function
/// without a position when the frame has no line row. What a backtrace
/// ([`describe_in`]) and a profile show, so that inlining changes neither.
pub(crate) fn expand_in<'a, S: Symbol>(
    frame: &FrameInfo,
    symbols: &'a [S],
) -> Vec<(String, Option<Position<'a>>)> {
    let name = holder_name(frame, symbols);
    let located: Vec<(&S, Position<'_>)> = symbols
        .iter()
        .filter_map(|s| Some((s, position(s)?)))
        .collect();
    if located.is_empty() {
        return vec![(name, None)];
    }
    let last = located.len() - 1;
    (located.iter().enumerate())
        .map(|(i, (symbol, at))| {
            // The function holding the code is named even when its DWARF
            // entry is not (by the name section's name).
            let own = (i == last).then_some(name.as_str());
            let name = symbol.name().or(own).unwrap_or("?");
            (name.to_string(), Some(*at))
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::ir::Target;
    use crate::value::Value;
    use crate::{RunError, Runtime};
    use vitte_codegen_wasm64::WasmBackend;
    use vitte_codegen_wasm64::diag::SourceFile;

    const VIR: &str = "fn @div(%a: i32, %b: i32) -> i32 {
entry:
  %q = i32.div_s %a, %b
  return %q
}

pub fn @main(%a: i32) -> i32 {
entry:
  %z = i32.const 0
  %r = call @div(%a, %z)
  return %r
}
";

    /// `VIR` compiled at the default level (`@div` inlined into `@main`),
    /// with or without DWARF; the symbolizer's tests use it too.
    pub(crate) fn wasm(target: Target, debug_info: bool) -> Vec<u8> {
        let file = SourceFile::new("f.vir", VIR);
        WasmBackend::new()
            .with_debug_info(debug_info)
            .compile_source(&file, target)
            .expect("compiles")
            .wasm
    }

    /// The frames of the trap of `main(7)`, without their offsets.
    fn frames(runtime: &Runtime, program: &crate::Program) -> Vec<String> {
        let mut instance = runtime.session().instantiate(program).expect("instance");
        let Err(RunError::Trap { message, .. }) = instance.invoke("main", &[Value::I32(7)]) else {
            panic!("expected a trap");
        };
        let lines: Vec<&str> = message.lines().skip(2).collect();
        assert!(
            lines.iter().all(|l| l.contains(", wasm offset 0x")),
            "{message}"
        );
        lines
            .iter()
            .map(|l| l.split(", wasm offset").next().unwrap_or(l).to_string())
            .collect()
    }

    /// With DWARF, each frame names its IR function and the exact position
    /// of the division or the call, JIT or AOT, though @div is inlined
    /// into @main (one wasm frame, two frames of the DWARF); without, the
    /// name section's names of the wasm frames only.
    #[test]
    fn frames_come_from_the_dwarf_else_the_name_section() {
        let runtime = Runtime::new().expect("engine");
        let located = ["  0: @div (f.vir:3:3)", "  1: @main (f.vir:10:3)"];
        for target in [Target::Wasm64, Target::Wasm32] {
            let wasm = wasm(target, true);
            let jit = runtime.compile(&wasm).expect("compiles");
            assert_eq!(frames(&runtime, &jit), located);
            let cwasm = runtime.precompile(&wasm).expect("precompiles");
            let aot = runtime.load_precompiled(&cwasm).expect("loads");
            assert_eq!(frames(&runtime, &aot), located);
            let plain = runtime
                .compile(&self::wasm(target, false))
                .expect("compiles");
            assert_eq!(frames(&runtime, &plain), ["  0: main"]);
        }
    }
}
