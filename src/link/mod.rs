//! Linking: several IR modules (compilation units) into one, before lowering.
//!
//! ```text
//! a.vir b.vir c.vir --text::load--> units --resolve--> which definition each
//!   extern means --rename--> private names apart --merge--> one ir::Module
//!   --gc (optional)--> only what the exports reach --print, parse, verify-->
//!   the linked module: lowered, interpreted and run like any other
//! ```
//!
//! Linking before lowering keeps the pipeline one stage per step: the
//! linked module is ordinary IR, so one memory holds the data of every
//! unit (laid out in unit order by [`crate::memory::Layout`]), one function
//! table serves every function pointer, and the reference interpreter runs
//! the linked program as the compiled one does. `docs/linking.md` is the
//! user's guide; the stages live in `symbols.rs`, `rename.rs`, `merge.rs`,
//! `gc.rs` and `origin.rs`.
//!
//! ```
//! use vitte_codegen_wasm64::diag::SourceFile;
//! use vitte_codegen_wasm64::link::{LinkOptions, link_files};
//! use vitte_codegen_wasm64::interp::Interpreter;
//! use vitte_codegen_wasm64::{Target, value::Value};
//!
//! let a = SourceFile::new("a.vir", "extern fn @twice(i32) -> i32\n\
//!     pub fn @main() -> i32 {\nentry:\n  %x = i32.const 21\n  %y = call @twice(%x)\n  return %y\n}\n");
//! let b = SourceFile::new("b.vir", "pub fn @twice(%x: i32) -> i32 {\n\
//!     entry:\n  %y = i32.add %x, %x\n  return %y\n}\n");
//! let linked = link_files(&[a, b], &LinkOptions::default()).map_err(|e| e[0].to_string())?;
//! let mut interp = Interpreter::new(&linked.module, Target::Wasm64).map_err(|e| e.to_string())?;
//! assert_eq!(interp.call("main", &[]).map_err(|e| e.to_string())?, vec![Value::I32(42)]);
//! let wasm = linked.compile(Target::Wasm32).map_err(|e| e.to_string())?.wasm;
//! assert!(wasm.starts_with(b"\0asm"));
//! # Ok::<(), String>(())
//! ```

mod gc;
mod memories;
mod merge;
mod origin;
mod rename;
mod symbols;

use crate::diag::{Diagnostic, Diagnostics, SourceFile, Span};
use crate::ir::{FuncId, Linkage, Module, Target};
use crate::{Compiled, Error, WasmBackend};
use std::fmt;
use std::sync::Arc;
use symbols::{Item, Resolution, Site};

/// What to export and keep, and how strict to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkOptions {
    /// Export only these functions (and the entry point); each must be a
    /// `pub fn` of some unit. Empty: export every `pub fn`.
    pub exports: Vec<String>,
    /// Export every defined function, private ones under their linked name.
    pub export_all: bool,
    /// The entry point: always exported, and a root for `gc`. `None` means
    /// `main` when some unit defines `pub fn @main`, else no entry point.
    pub entry: Option<String>,
    /// An extern function that no unit defines is an error rather than an import.
    pub no_undefined: bool,
    /// Remove what the exports do not reach.
    pub gc: bool,
    /// The file name of the linked text: the WAT comments point into it, and
    /// the WAT module is named after its stem.
    pub name: String,
}

impl Default for LinkOptions {
    fn default() -> LinkOptions {
        LinkOptions {
            exports: Vec::new(),
            export_all: false,
            entry: None,
            no_undefined: false,
            gc: false,
            name: "linked.vir".into(),
        }
    }
}

/// The linked module, and how it was made.
pub struct Linked {
    /// A verified module parsed from its own canonical text (`module.source`).
    pub module: Module,
    pub report: Report,
    origins: origin::Origins,
}

/// What the linker decided, for `-v`. Locations are a unit's `file:line:col`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Private symbols renamed apart.
    pub renamed: Vec<Renamed>,
    /// Extern functions that no unit defines, now wasm imports.
    pub imports: Vec<Imported>,
    /// The entry point, if any.
    pub entry: Option<String>,
    /// What `gc` removed, in module order: functions, globals, then data.
    pub removed: Vec<Removed>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renamed {
    pub at: String,
    pub old: String,
    pub new: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub name: String,
    /// The wasm import's module and name.
    pub module: String,
    pub field: String,
    /// Where it is first declared.
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removed {
    /// `fn`, `extern fn`, `global` or `data`.
    pub kind: String,
    pub name: String,
    pub at: String,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for r in &self.renamed {
            writeln!(f, "renamed private @{} ({}) to @{}", r.old, r.at, r.new)?;
        }
        for i in &self.imports {
            let (module, field) = (&i.module, &i.field);
            writeln!(
                f,
                "undefined @{} ({}) imported as {module:?} {field:?}",
                i.name, i.at
            )?;
        }
        if let Some(entry) = &self.entry {
            writeln!(f, "entry point @{entry}")?;
        }
        for r in &self.removed {
            writeln!(f, "gc removed {} @{} ({})", r.kind, r.name, r.at)?;
        }
        Ok(())
    }
}

impl Linked {
    /// The canonical text of the linked module.
    pub fn text(&self) -> &str {
        self.module.source.as_ref().map_or("", |s| s.text.as_str())
    }

    /// A diagnostic about the linked text, pointed back at the unit the
    /// entity came from (the lowering's errors, for example).
    pub fn map_diagnostic(&self, d: Diagnostic) -> Diagnostic {
        self.origins.map(d)
    }

    /// Lowers, assembles and validates; IR errors point into the units.
    pub fn compile(&self, target: Target) -> Result<Compiled, Error> {
        self.compile_with(&WasmBackend::new(), target)
    }

    /// [`Linked::compile`] by a configured backend (`-g`: positions and
    /// DWARF that name each unit's file).
    pub fn compile_with(&self, backend: &WasmBackend, target: Target) -> Result<Compiled, Error> {
        backend
            .compile_module(&self.module, target)
            .map_err(|e| match e {
                Error::Ir(ds) => Error::Ir(ds.into_iter().map(|d| self.origins.map(d)).collect()),
                other => other,
            })
    }
}

/// Loads (parses and verifies) every file, then links them in order. The
/// errors of every file are reported, else the linker's.
pub fn link_files(files: &[Arc<SourceFile>], options: &LinkOptions) -> Result<Linked, Diagnostics> {
    let mut units = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match crate::text::load(file) {
            Ok(unit) => units.push(unit),
            Err(ds) => errors.extend(ds),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    link_verified(&units, options)
}

/// Links units, in order: their order fixes the order of functions, the
/// memory layout and the function pointers. Each unit is verified first
/// ([`crate::verify::verify_unit`]), so that what is merged is well formed.
pub fn link(units: &[Module], options: &LinkOptions) -> Result<Linked, Diagnostics> {
    verify_units(units)?;
    link_verified(units, options)
}

fn link_verified(units: &[Module], options: &LinkOptions) -> Result<Linked, Diagnostics> {
    let res = symbols::resolve(units, options.no_undefined)?;
    let entry = entry_point(&res, options)?;
    check_exports(&res, options)?;
    let names = rename::plan(units, &res);
    let memories = memories::plan(units)?;
    let mut merged = merge::merge(units, &res, &names, memories);
    let roots = set_exports(&mut merged.module, options, entry.as_deref());
    let mut report = Report {
        renamed: renamed_report(units, &names),
        imports: import_report(units, &res, &names),
        entry,
        removed: Vec::new(),
    };
    if options.gc {
        report.removed = collect_garbage(units, &mut merged, &roots);
    }
    let (module, origins) = origin::reparse(&merged, units, &options.name)?;
    Ok(Linked {
        module,
        report,
        origins,
    })
}

fn verify_units(units: &[Module]) -> Result<(), Diagnostics> {
    let errors: Diagnostics = (units.iter())
        .filter_map(|unit| {
            let errors = crate::verify::verify_unit(unit).err()?;
            Some(errors.with_file(unit.source.as_ref()))
        })
        .flatten()
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// An error about the command rather than a file.
fn option_error(message: String) -> Diagnostics {
    Diagnostic::new(message, Span::NONE).into()
}

fn is_public_fn(res: &Resolution, name: &str) -> bool {
    matches!(
        res.public.get(name),
        Some(Site {
            item: Item::Func(_),
            ..
        })
    )
}

/// The entry point's name: as asked, or `main` when it is defined.
fn entry_point(res: &Resolution, options: &LinkOptions) -> Result<Option<String>, Diagnostics> {
    match &options.entry {
        Some(name) if is_public_fn(res, name) => Ok(Some(name.clone())),
        Some(name) => Err(option_error(format!(
            "entry point @{name}: no linked module defines `pub fn @{name}`"
        ))),
        None => Ok(is_public_fn(res, "main").then(|| "main".to_string())),
    }
}

fn check_exports(res: &Resolution, options: &LinkOptions) -> Result<(), Diagnostics> {
    let errors: Diagnostics = (options.exports.iter())
        .filter(|name| !is_public_fn(res, name))
        .map(|name| {
            let message =
                format!("cannot export @{name}: no linked module defines `pub fn @{name}`");
            Diagnostic::new(message, Span::NONE)
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Makes exactly the exported functions `pub`; returns them (the gc roots).
/// A `pub fn` of the merged module is a unit's public definition.
fn set_exports(m: &mut Module, options: &LinkOptions, entry: Option<&str>) -> Vec<FuncId> {
    let mut roots = Vec::new();
    for (index, func) in m.funcs.iter_mut().enumerate() {
        if func.is_import() {
            continue;
        }
        let public = func.linkage == Linkage::Public;
        let listed = options.exports.is_empty() || options.exports.contains(&func.name);
        let exported = options.export_all
            || (public && entry == Some(func.name.as_str()))
            || (public && listed);
        func.linkage = if exported {
            roots.push(FuncId(index as u32));
            Linkage::Public
        } else {
            Linkage::Private
        };
    }
    roots
}

/// Runs `gc` and says what it removed, where it came from.
fn collect_garbage(units: &[Module], merged: &mut merge::Merged, roots: &[FuncId]) -> Vec<Removed> {
    (gc::collect(merged, roots).into_iter())
        .map(|g| Removed {
            kind: g.kind.into(),
            at: locate_span(units, g.unit, g.span),
            name: g.name,
        })
        .collect()
}

fn renamed_report(units: &[Module], names: &rename::Names) -> Vec<Renamed> {
    (names.renamed.iter())
        .map(|(site, old, new)| Renamed {
            at: locate(units, *site),
            old: old.clone(),
            new: new.clone(),
        })
        .collect()
}

fn import_report(units: &[Module], res: &Resolution, names: &rename::Names) -> Vec<Imported> {
    (res.imports.iter().zip(&names.imports))
        .filter_map(|(import, name)| {
            let first = import.decls[0];
            let Item::Func(f) = first.item else {
                return None;
            };
            let Linkage::Import {
                module,
                name: field,
            } = &units[first.unit].func(f).linkage
            else {
                return None;
            };
            Some(Imported {
                name: name.clone(),
                module: module.clone(),
                field: field.clone(),
                at: locate(units, first),
            })
        })
        .collect()
}

/// `file:line:col` of a unit's entity.
fn locate(units: &[Module], site: Site) -> String {
    let m = &units[site.unit];
    let span = match site.item {
        Item::Func(f) => m.func(f).span,
        Item::Global(g) => m.global(g).span,
        Item::Data(d) => m.data_def(d).span,
    };
    locate_span(units, site.unit, span)
}

fn locate_span(units: &[Module], unit: usize, span: Span) -> String {
    let d = Diagnostic::new("", span).with_file(units.get(unit).and_then(|u| u.source.as_ref()));
    d.location().unwrap_or_else(|| format!("unit {unit}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{
        DataId, Function, FunctionBuilder, Global, GlobalId, GlobalInit, Op, Signature, Visibility,
    };

    /// A module with one function `name` returning nothing (or declared).
    fn unit_with(name: &str, linkage: Linkage) -> Module {
        let mut m = Module::default();
        let import = matches!(linkage, Linkage::Import { .. });
        let f = m.add_function(Function::new(name, Signature::default(), linkage));
        if import {
            return m;
        }
        let mut b = FunctionBuilder::new(&mut m, f);
        let entry = b.create_block("entry");
        b.switch_to_block(entry);
        b.ret(&[]);
        m
    }

    /// One memory for the program: shared when a unit says `memory shared`,
    /// through the garbage collection and the linked text.
    #[test]
    fn a_shared_memory_in_one_unit_makes_the_program_s_shared() {
        let main = unit_with("_start", Linkage::Public);
        let mut lib = unit_with("helper", Linkage::Public);
        for gc in [false, true] {
            let options = LinkOptions {
                gc,
                ..LinkOptions::default()
            };
            let plain = link(&[main.clone(), lib.clone()], &options).expect("links");
            assert!(!plain.module.shared_memory);
            lib.shared_memory = true;
            let linked = link(&[main.clone(), lib.clone()], &options).expect("links");
            assert!(linked.module.shared_memory, "gc {gc}");
            // The first item after the header comment of the linked units.
            let text = linked.text();
            let first = text.lines().find(|l| !l.is_empty() && !l.starts_with(';'));
            assert_eq!(first, Some("memory shared"), "{text}");
            lib.shared_memory = false;
        }
    }

    /// A read-only definition stays read-only in the linked module, and
    /// the unit that declares it `extern data` reads it like a local one.
    #[test]
    fn read_only_data_stays_read_only() {
        let parse = |text: &str| crate::text::parse_str("u.vir", text).expect("parses");
        let lib = parse("pub data @tbl const align 4 = i32 7, i32 9\ndata @w = i8 1\n");
        let main = parse(
            "extern data @tbl\npub fn @f() -> i32 {\nentry:\n  %t = data.addr @tbl\n  \
             %v = i32.load %t offset=4\n  return %v\n}\n",
        );
        for gc in [false, true] {
            let options = LinkOptions {
                gc,
                ..LinkOptions::default()
            };
            let linked = link(&[main.clone(), lib.clone()], &options).expect("links");
            let text = linked.text();
            assert!(
                text.contains("data @tbl const align 4 = i32 7, i32 9"),
                "{text}"
            );
        }
    }

    #[test]
    fn invalid_private_names_get_unit_names() {
        let mut a = unit_with("", Linkage::Private);
        a.add_global(Global {
            name: "x y".into(),
            ty: crate::ir::Type::I32,
            mutable: false,
            init: GlobalInit::Const(crate::ir::Const::I32(1)),
            span: Span::NONE,
        });
        let linked = link(&[a], &LinkOptions::default()).expect("links");
        assert!(linked.text().contains("global @unit0.global0: i32 = 1"));
        assert!(linked.text().contains("fn @unit0.func0()"));
    }

    #[test]
    fn an_invalid_public_name_is_an_error() {
        let errors = link(
            &[unit_with("a b", Linkage::Public)],
            &LinkOptions::default(),
        )
        .err()
        .expect("refused");
        assert_eq!(
            errors[0].message,
            "`@a b` is not a valid symbol name to link by"
        );
    }

    #[test]
    fn malformed_units_fail_without_panicking() {
        let mut a = unit_with("f", Linkage::Public);
        let call = Op::Call {
            func: FuncId(99),
            args: vec![],
        };
        a.funcs[0].blocks[0].insts.push(crate::ir::Inst {
            op: call,
            results: vec![],
            span: Span::NONE,
            loc: crate::ir::LocId::NONE,
        });
        a.set_global_vis(GlobalId(7), Visibility::Extern);
        a.set_data_vis(DataId(3), Visibility::Public);
        let options = LinkOptions {
            gc: true,
            ..LinkOptions::default()
        };
        let errors = link(&[a], &options).err().expect("refused");
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.contains(&"function id 99 is out of range"),
            "{messages:?}"
        );
    }

    #[test]
    fn an_extern_fn_resolves_to_a_public_definition_not_a_private_one() {
        let user = |linkage| unit_with("g", linkage);
        let import = Linkage::Import {
            module: "env".into(),
            name: "g".into(),
        };
        // Private: not resolved, so the declaration stays an import.
        let linked = link(
            &[user(import.clone()), user(Linkage::Private)],
            &LinkOptions::default(),
        )
        .expect("links");
        assert!(linked.module.funcs.iter().any(|f| f.is_import()));
        assert_eq!(linked.report.renamed.len(), 1);
        // Public: resolved, no import left.
        let linked = link(
            &[user(import), user(Linkage::Public)],
            &LinkOptions::default(),
        )
        .expect("links");
        assert!(linked.module.funcs.iter().all(|f| !f.is_import()));
    }
}
