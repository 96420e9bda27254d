//! Looking a code offset up in a module's DWARF ourselves, for the sampling
//! profiler.
//!
//! Why: with `Config::wasm_backtrace_details`, wasmtime symbolises every
//! frame of every `WasmBacktrace` it captures, building a new addr2line
//! context from the module's DWARF each time: some 100 µs a sample on a
//! stack of 20 frames, more than the stack walk itself. A profiled run
//! therefore runs on an engine that keeps no DWARF (see
//! [`Runtime::for_sampling`](crate::Runtime::for_sampling)), so that a
//! sample is a bare stack walk, and the profiler looks each *distinct*
//! frame up here, once, with one context for the whole run.
//!
//! The lookup is wasmtime's own: the same `.debug_*` sections (wasmtime
//! ignores `.debug_aranges` and the name tables, so do we), the same
//! addr2line, offsets relative to the code section's contents. So a frame
//! reads the same as in a trap backtrace (`frames.rs`), inlined frames
//! included: [`Symbolizer::lookup`] gives every frame addr2line finds at an
//! address, innermost first.

use gimli::{EndianArcSlice, LittleEndian, SectionId};
use std::sync::Arc;
use wasmparser::{Parser, Payload};

type Reader = EndianArcSlice<LittleEndian>;

/// The DWARF sections of a module and where its code section's contents
/// start: what [`Symbolizer`]s are built from. Shared by every instance of
/// a program (it holds no lazily parsed state, so it is `Sync`).
#[derive(Debug)]
pub(crate) struct DebugSections {
    sections: Vec<(SectionId, Arc<[u8]>)>,
    code_start: u64,
}

impl DebugSections {
    /// The DWARF of a binary: `None` when it has no `.debug_info` or no code
    /// section (its frames are then named by the name section only), or
    /// does not parse (wasmtime has refused it before we get here).
    pub(crate) fn of(wasm: &[u8]) -> Option<DebugSections> {
        let mut sections: Vec<(SectionId, Arc<[u8]>)> = Vec::new();
        let mut code_start = None;
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.ok()? {
                Payload::CodeSectionStart { range, .. } => code_start = Some(range.start as u64),
                Payload::CustomSection(custom) => {
                    if let Some(id) = section_id(custom.name()) {
                        // The last of two sections of one name wins, as in wasmtime.
                        sections.retain(|(other, _)| *other != id);
                        sections.push((id, Arc::from(custom.data())));
                    }
                }
                _ => {}
            }
        }
        if !sections.iter().any(|(id, _)| *id == SectionId::DebugInfo) {
            return None;
        }
        Some(DebugSections {
            sections,
            code_start: code_start?,
        })
    }

    /// A symbolizer over these sections (it parses them lazily, as lookups
    /// need them). `None` when their headers do not parse.
    pub(crate) fn symbolizer(&self) -> Option<Symbolizer> {
        let empty: Arc<[u8]> = Arc::from(&[][..]);
        let dwarf = gimli::Dwarf::load(|id| -> Result<Reader, gimli::Error> {
            let data = self
                .sections
                .iter()
                .find(|(other, _)| *other == id)
                .map_or_else(|| empty.clone(), |(_, data)| data.clone());
            Ok(EndianArcSlice::new(data, LittleEndian))
        })
        .ok()?;
        let context = addr2line::Context::from_dwarf(dwarf).ok()?;
        Some(Symbolizer {
            context,
            code_start: self.code_start,
        })
    }
}

/// The section a custom section's name stands for, among those wasmtime
/// reads (`wasmtime-environ`'s `dwarf_section`).
fn section_id(name: &str) -> Option<SectionId> {
    use SectionId::*;
    let kept = [
        DebugAbbrev,
        DebugAddr,
        DebugInfo,
        DebugLine,
        DebugLineStr,
        DebugStr,
        DebugStrOffsets,
        DebugTypes,
        DebugLoc,
        DebugLocLists,
        DebugRanges,
        DebugRngLists,
    ];
    kept.into_iter().find(|id| id.name() == name)
}

/// One frame at an address: what wasmtime's `FrameSymbol` holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DwarfFrame {
    /// The DWARF subprogram's (or inlined subroutine's) name.
    pub name: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

/// Looks code offsets up in one module's DWARF; caches what it has parsed.
pub(crate) struct Symbolizer {
    context: addr2line::Context<Reader>,
    code_start: u64,
}

impl Symbolizer {
    /// The frames at a module offset (of the code section's bytes),
    /// innermost first: an inlined callee before the function that holds
    /// the code. Empty for an offset the DWARF does not cover.
    pub(crate) fn lookup(&self, module_offset: usize) -> Vec<DwarfFrame> {
        let mut symbols = Vec::new();
        let Some(probe) = (module_offset as u64).checked_sub(self.code_start) else {
            return symbols;
        };
        let Ok(mut frames) = self.context.find_frames(probe).skip_all_loads() else {
            return symbols;
        };
        while let Ok(Some(frame)) = frames.next() {
            let location = frame.location.as_ref();
            symbols.push(DwarfFrame {
                name: frame
                    .function
                    .as_ref()
                    .and_then(|f| f.raw_name().ok())
                    .map(|name| name.to_string()),
                file: location.and_then(|l| l.file).map(str::to_string),
                line: location.and_then(|l| l.line),
                column: location.and_then(|l| l.column),
            });
        }
        symbols
    }
}

impl std::fmt::Debug for Symbolizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Symbolizer")
            .field("code_start", &self.code_start)
            .finish_non_exhaustive()
    }
}

impl crate::frames::Symbol for DwarfFrame {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }
    fn line(&self) -> Option<u32> {
        self.line
    }
    fn column(&self) -> Option<u32> {
        self.column
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frames::tests::wasm;
    use crate::ir::Target;
    use crate::value::Value;
    use crate::{RunError, Runtime};

    /// The trap message of `main(7)`, backtrace included.
    fn trap(runtime: &Runtime, wasm: &[u8]) -> String {
        let program = runtime.compile(wasm).expect("compiles");
        let mut instance = runtime.session().instantiate(&program).expect("instance");
        match instance.invoke("main", &[Value::I32(7)]) {
            Err(RunError::Trap { message, .. }) => message,
            other => panic!("expected a trap, got {other:?}"),
        }
    }

    /// A sampling runtime's engine keeps no DWARF, and our lookup of the
    /// program's own gives the backtrace wasmtime gives on the default
    /// engine, line for line: the same functions, positions and offsets.
    #[test]
    fn our_lookup_reads_as_wasmtimes() {
        let plain = Runtime::new().expect("engine");
        let sampling = Runtime::new_sampling().expect("engine");
        for target in [Target::Wasm64, Target::Wasm32] {
            let wasm = wasm(target, true);
            let expected = trap(&plain, &wasm);
            assert!(expected.contains("0: @div (f.vir:3:3)"), "{expected}");
            assert!(expected.contains("1: @main (f.vir:10:3)"), "{expected}");
            assert_eq!(trap(&sampling, &wasm), expected);
            let program = sampling.compile(&wasm).expect("compiles");
            assert!(program.debug.is_some());
            assert!(plain.compile(&wasm).expect("compiles").debug.is_none());
        }
    }

    /// Each offset of a function's code gives, innermost first, the frames
    /// of that function with a position in `f.vir`; an offset before the
    /// code section gives none.
    #[test]
    fn lookups_name_the_ir_function_and_line() {
        let wasm = wasm(Target::Wasm64, true);
        let debug = DebugSections::of(&wasm).expect("has DWARF");
        let symbolizer = debug.symbolizer().expect("parses");
        assert!(symbolizer.lookup(0).is_empty());
        let code = debug.code_start as usize;
        let located: Vec<DwarfFrame> = (code..wasm.len())
            .flat_map(|offset| symbolizer.lookup(offset))
            .collect();
        assert!(!located.is_empty());
        for frame in &located {
            assert!(
                matches!(frame.name.as_deref(), Some("div" | "main")),
                "{frame:?}"
            );
            assert_eq!(frame.file.as_deref(), Some("f.vir"));
            assert!(matches!(frame.line, Some(1..=12)), "{frame:?}");
        }
        assert!(located.iter().any(|f| f.line == Some(3)));
    }

    /// Without `-g` there is nothing to look up: frames keep the name
    /// section's names.
    #[test]
    fn a_binary_without_dwarf_has_no_sections() {
        assert!(DebugSections::of(&wasm(Target::Wasm32, false)).is_none());
        assert!(DebugSections::of(b"not wasm").is_none());
        let sampling = Runtime::new_sampling().expect("engine");
        let plain = trap(&sampling, &wasm(Target::Wasm32, false));
        // `@div` is inlined into `@main` at -O2, and without DWARF nothing
        // names the inlined frame: the wasm frame, by its name-section name.
        assert!(plain.contains("0: main, wasm offset"), "{plain}");
        assert!(!plain.contains(".vir"), "{plain}");
    }
}
