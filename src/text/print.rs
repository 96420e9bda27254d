//! The `.vir` printer: the canonical text of a module.
//!
//! Parsing the output gives the same module back, and printing that module
//! again gives the same text, so printed IR can serve as a golden file and be
//! edited by hand. The layout: `memory shared` and the named memories, then
//! globals, then data, then functions, each in
//! module order; a blank line between sections and between functions
//! (consecutive imports stay together); instructions and declarations
//! indented by two spaces, labels at column 0.
//!
//! IR built in memory may have empty or clashing names: each entity keeps
//! its name when it is valid and unique, and otherwise gets a fresh one
//! (`%v3`, `block2`, ...) chosen deterministically, so that the text always
//! parses back.

use super::float::{format_f32, format_f64};
use crate::ir::{
    Block, Const, DataId, DataItem, DataScalar, Edge, Function, Global, GlobalId, GlobalInit, Inst,
    Linkage, MemId, Memory, Module, Op, Terminator, Type, ValueId, Visibility,
};
use std::collections::HashSet;

/// Prints a module in the `.vir` text format.
pub fn print_module(module: &Module) -> String {
    let names = SymbolNames::new(module);
    let mut sections = Vec::new();
    if module.shared_memory {
        sections.push("memory shared\n".to_string());
    }
    let memories: String = (module.memories.iter().enumerate())
        .map(|(i, m)| memory_line(m, &names.memories[i]))
        .collect();
    match sections.last_mut() {
        Some(shared) => shared.push_str(&memories),
        None if !memories.is_empty() => sections.push(memories),
        None => {}
    }
    let globals: String = module
        .globals
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let vis = module.global_vis(GlobalId(i as u32));
            global_line(g, vis, &names.globals[i], &names)
        })
        .collect();
    let data: String = module
        .data
        .iter()
        .enumerate()
        .map(|(i, d)| match module.data_vis(DataId(i as u32)) {
            Visibility::Extern => format!("extern data @{}\n", names.data[i]),
            vis => {
                let mem = module.data_mem(DataId(i as u32));
                let readonly = if d.readonly { " const" } else { "" };
                let name = match mem.is_default() {
                    true => format!("{}{readonly}", names.data[i]),
                    false => format!("{}{readonly} in {}", names.data[i], names.mem(mem)),
                };
                data_line(vis, &name, d.align, &d.items, &names)
            }
        })
        .collect();
    sections.extend([globals, data].into_iter().filter(|s| !s.is_empty()));
    for (i, func) in module.funcs.iter().enumerate() {
        let text = FuncPrinter::new(&names, func).print(&names.funcs[i]);
        let after_import = i > 0 && module.funcs[i - 1].is_import();
        match sections.last_mut() {
            Some(last) if after_import && func.is_import() => last.push_str(&text),
            _ => sections.push(text),
        }
    }
    sections.join("\n")
}

// ------------------------------------------------------------------ names

/// Whether `name` can follow a sigil (`@`, `%`, `$`).
fn is_sigil_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

fn is_label(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && is_sigil_name(name)
}

/// Printable names for entities sharing one namespace, given as
/// `(name, fallback)`. The first valid holder of a name keeps it; every
/// other entity gets its fallback, suffixed `_1`, `_2`, ... until unique.
fn unique_names(entries: &[(&str, String)], valid: fn(&str) -> bool) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let keep: Vec<bool> = entries
        .iter()
        .map(|(name, _)| valid(name) && taken.insert(name.to_string()))
        .collect();
    entries
        .iter()
        .zip(keep)
        .map(|((name, fallback), keep)| {
            if keep {
                name.to_string()
            } else {
                fresh_name(&mut taken, fallback)
            }
        })
        .collect()
}

fn fresh_name(taken: &mut HashSet<String>, base: &str) -> String {
    let mut candidate = base.to_string();
    let mut suffix = 0;
    while !taken.insert(candidate.clone()) {
        suffix += 1;
        candidate = format!("{base}_{suffix}");
    }
    candidate
}

/// Module symbols: globals, data, functions and named memories share one
/// namespace.
struct SymbolNames {
    globals: Vec<String>,
    data: Vec<String>,
    funcs: Vec<String>,
    memories: Vec<String>,
}

impl SymbolNames {
    fn new(module: &Module) -> SymbolNames {
        let globals = module.globals.iter().map(|g| g.name.as_str());
        let data = module.data.iter().map(|d| d.name.as_str());
        let funcs = module.funcs.iter().map(|f| f.name.as_str());
        let memories = module.memories.iter().map(|m| m.name.as_str());
        let entries: Vec<(&str, String)> = (globals.enumerate())
            .map(|(i, n)| (n, format!("global{i}")))
            .chain(data.enumerate().map(|(i, n)| (n, format!("data{i}"))))
            .chain(funcs.enumerate().map(|(i, n)| (n, format!("func{i}"))))
            .chain(memories.enumerate().map(|(i, n)| (n, format!("mem{i}"))))
            .collect();
        let mut all = unique_names(&entries, is_sigil_name);
        let memories = all.split_off(module.globals.len() + module.data.len() + module.funcs.len());
        let funcs = all.split_off(module.globals.len() + module.data.len());
        let data = all.split_off(module.globals.len());
        SymbolNames {
            globals: all,
            data,
            funcs,
            memories,
        }
    }

    /// `@name` of a named memory, `default` for the default memory.
    fn mem(&self, id: MemId) -> String {
        match id.index().checked_sub(1) {
            None => "default".to_string(),
            Some(i) => Self::get(&self.memories, i, "mem"),
        }
    }

    /// `@name, ` before an instruction's operands; nothing for the default memory.
    fn mem_prefix(&self, id: MemId) -> String {
        match id.is_default() {
            true => String::new(),
            false => format!("{}, ", self.mem(id)),
        }
    }

    /// `@name`; an id out of range (malformed IR) prints as a name that
    /// does not resolve rather than panicking.
    fn get(names: &[String], index: usize, kind: &str) -> String {
        match names.get(index) {
            Some(name) => format!("@{name}"),
            None => format!("@{kind}{index}"),
        }
    }

    fn global(&self, index: usize) -> String {
        Self::get(&self.globals, index, "global")
    }

    fn data(&self, index: usize) -> String {
        Self::get(&self.data, index, "data")
    }

    fn func(&self, index: usize) -> String {
        Self::get(&self.funcs, index, "func")
    }
}

// ------------------------------------------------------- globals and data

/// `pub ` for a public global or data, nothing for a private one.
fn vis_prefix(vis: Visibility) -> &'static str {
    match vis {
        Visibility::Public => "pub ",
        Visibility::Private | Visibility::Extern => "",
    }
}

/// `memory @name [i32|i64] PAGES [max MAX]`.
fn memory_line(memory: &Memory, name: &str) -> String {
    let index = match memory.index {
        Type::Ptr => String::new(),
        ty => format!(" {ty}"),
    };
    let max = memory.max.map(|m| format!(" max {m}")).unwrap_or_default();
    format!("memory @{name}{index} {}{max}\n", memory.pages)
}

fn global_line(global: &Global, vis: Visibility, name: &str, names: &SymbolNames) -> String {
    let mutable = if global.mutable { "mut " } else { "" };
    if vis == Visibility::Extern {
        return format!("extern global {mutable}@{name}: {}\n", global.ty);
    }
    let init = match &global.init {
        GlobalInit::Const(c) => const_text(*c),
        GlobalInit::DataAddr(d, offset) => with_offset(names.data(d.index()), *offset),
        GlobalInit::FuncAddr(f) => names.func(f.index()),
    };
    let vis = vis_prefix(vis);
    format!("{vis}global {mutable}@{name}: {} = {init}\n", global.ty)
}

fn with_offset(symbol: String, offset: u64) -> String {
    if offset == 0 {
        symbol
    } else {
        format!("{symbol} + {offset}")
    }
}

fn const_text(c: Const) -> String {
    match c {
        Const::I32(v) => v.to_string(),
        Const::I64(v) => v.to_string(),
        Const::Ptr(v) => v.to_string(),
        Const::F32(bits) => format_f32(bits),
        Const::F64(bits) => format_f64(bits),
    }
}

fn data_line(
    vis: Visibility,
    name: &str,
    align: u32,
    items: &[DataItem],
    names: &SymbolNames,
) -> String {
    let align = if align == 1 {
        String::new()
    } else {
        format!(" align {align}")
    };
    let items: Vec<String> = items.iter().map(|i| data_item(i, names)).collect();
    let sep = if items.is_empty() { "" } else { " " };
    let vis = vis_prefix(vis);
    format!("{vis}data @{name}{align} ={sep}{}\n", items.join(", "))
}

fn data_item(item: &DataItem, names: &SymbolNames) -> String {
    match item {
        DataItem::Bytes(bytes) => quote(bytes),
        DataItem::Scalar(s) => match *s {
            DataScalar::I8(v) => format!("i8 {}", v as i8),
            DataScalar::I16(v) => format!("i16 {}", v as i16),
            DataScalar::I32(v) => format!("i32 {}", v as i32),
            DataScalar::I64(v) => format!("i64 {}", v as i64),
            DataScalar::F32(bits) => format!("f32 {}", format_f32(bits)),
            DataScalar::F64(bits) => format!("f64 {}", format_f64(bits)),
        },
        DataItem::Zero(n) => format!("zero {n}"),
        DataItem::Ptr(n) => format!("ptr {n}"),
        DataItem::DataAddr(d, offset) => {
            format!("ptr {}", with_offset(names.data(d.index()), *offset))
        }
        DataItem::FuncAddr(f) => format!("ptr {}", names.func(f.index())),
    }
}

/// A string literal: printable ASCII as is except `"` and `\`, a newline as
/// `\n`, every other byte as `\hh`.
fn quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:02x}")),
        }
    }
    out.push('"');
    out
}

fn type_list(types: &[Type]) -> String {
    let names: Vec<&str> = types.iter().map(|t| t.name()).collect();
    format!("({})", names.join(", "))
}

/// ` -> i32`, ` -> (i32, i64)`, or nothing without results.
fn results_text(results: &[Type]) -> String {
    match results {
        [] => String::new(),
        [one] => format!(" -> {one}"),
        many => format!(" -> {}", type_list(many)),
    }
}

// -------------------------------------------------------------- functions

/// Prints one function with the names of its values, blocks and locals.
struct FuncPrinter<'m> {
    names: &'m SymbolNames,
    func: &'m Function,
    values: Vec<String>,
    /// Names for the signature's parameters when `func.params` disagrees with it.
    sig_params: Vec<String>,
    blocks: Vec<String>,
    vars: Vec<String>,
    slots: Vec<String>,
}

impl<'m> FuncPrinter<'m> {
    fn new(names: &'m SymbolNames, func: &'m Function) -> FuncPrinter<'m> {
        let mut values: Vec<(&str, String)> = (func.values.iter().enumerate())
            .map(|(i, v)| (v.name.as_str(), format!("v{i}")))
            .collect();
        // Half-built IR whose parameter values do not match the signature:
        // print the signature's parameters, under names of their own.
        let sig_params = func.params.len() != func.sig.params.len();
        if sig_params {
            values.extend((0..func.sig.params.len()).map(|i| ("", format!("param{i}"))));
        }
        let mut values = unique_names(&values, is_sigil_name);
        let sig_params = if sig_params {
            values.split_off(func.values.len())
        } else {
            Vec::new()
        };
        let blocks: Vec<(&str, String)> = (func.blocks.iter().enumerate())
            .map(|(i, b)| (b.name.as_str(), format!("block{i}")))
            .collect();
        let locals: Vec<(&str, String)> = (func.vars.iter().enumerate())
            .map(|(i, v)| (v.name.as_str(), format!("var{i}")))
            .chain(
                (func.slots.iter().enumerate()).map(|(i, s)| (s.name.as_str(), format!("slot{i}"))),
            )
            .collect();
        let mut vars = unique_names(&locals, is_sigil_name);
        let slots = vars.split_off(func.vars.len());
        FuncPrinter {
            names,
            func,
            values,
            sig_params,
            blocks: unique_names(&blocks, is_label),
            vars,
            slots,
        }
    }

    fn print(&self, name: &str) -> String {
        let func = self.func;
        let results = results_text(&func.sig.results);
        if let Linkage::Import { module, name: item } = &func.linkage {
            let params = type_list(&func.sig.params);
            let (module, item) = (quote(module.as_bytes()), quote(item.as_bytes()));
            return format!("extern fn @{name}{params}{results} from {module} {item}\n");
        }
        let vis = if func.linkage == Linkage::Public {
            "pub "
        } else {
            ""
        };
        let params = if func.params.len() == func.sig.params.len() {
            self.typed_values(&func.params)
        } else {
            let typed: Vec<String> = (self.sig_params.iter().zip(&func.sig.params))
                .map(|(name, ty)| format!("%{name}: {ty}"))
                .collect();
            format!("({})", typed.join(", "))
        };
        let mut out = format!("{vis}fn @{name}{params}{results} {{\n");
        for (var, name) in func.vars.iter().zip(&self.vars) {
            out.push_str(&format!("  var ${name}: {}\n", var.ty));
        }
        for (slot, name) in func.slots.iter().zip(&self.slots) {
            out.push_str(&format!(
                "  slot ${name}: {} align {}\n",
                slot.size, slot.align
            ));
        }
        for (block, name) in func.blocks.iter().zip(&self.blocks) {
            self.block(&mut out, block, name);
        }
        out.push_str("}\n");
        out
    }

    fn block(&self, out: &mut String, block: &Block, name: &str) {
        let params = if block.params.is_empty() {
            String::new()
        } else {
            self.typed_values(&block.params)
        };
        out.push_str(&format!("{name}{params}:\n"));
        for inst in &block.insts {
            out.push_str(&format!("  {}\n", self.inst(inst)));
        }
        if let Some(term) = &block.term {
            out.push_str(&format!("  {}\n", self.terminator(term)));
        }
    }

    /// `(%a: i32, %b: i64)`.
    fn typed_values(&self, values: &[ValueId]) -> String {
        let typed: Vec<String> = values
            .iter()
            .map(|&v| {
                let ty = self.func.values.get(v.index()).map_or(Type::I32, |d| d.ty);
                format!("{}: {ty}", self.value(v))
            })
            .collect();
        format!("({})", typed.join(", "))
    }

    fn value(&self, v: ValueId) -> String {
        match self.values.get(v.index()) {
            Some(name) => format!("%{name}"),
            None => format!("%v{}", v.index()),
        }
    }

    fn value_list(&self, values: &[ValueId]) -> String {
        let names: Vec<String> = values.iter().map(|&v| self.value(v)).collect();
        names.join(", ")
    }

    fn local(names: &[String], index: usize, kind: &str) -> String {
        match names.get(index) {
            Some(name) => format!("${name}"),
            None => format!("${kind}{index}"),
        }
    }

    fn inst(&self, inst: &Inst) -> String {
        let op = self.op(&inst.op);
        if inst.results.is_empty() {
            op
        } else {
            format!("{} = {op}", self.value_list(&inst.results))
        }
    }

    /// An atomic access: its mnemonic, the address, the other operands.
    fn atomic(&self, op: &Op) -> String {
        let mut text = op.mnemonic();
        for (i, value) in op.operands().enumerate() {
            text.push_str(if i == 0 { " " } else { ", " });
            text.push_str(&self.value(value));
        }
        if let Op::Atomic { offset, .. } = op {
            text.push_str(&offset_text(u64::from(*offset)));
        }
        text
    }

    /// One exhaustive match, so that a new operator cannot be forgotten.
    fn op(&self, op: &Op) -> String {
        let v = |v: &ValueId| self.value(*v);
        match op {
            Op::Const(c) => format!("{}.const {}", c.ty(), const_text(*c)),
            Op::Unary(op, ty, a) => format!("{ty}.{} {}", op.name(), v(a)),
            Op::Binary(op, ty, a, b) => format!("{ty}.{} {}, {}", op.name(), v(a), v(b)),
            Op::Compare(op, ty, a, b) => format!("{ty}.{} {}, {}", op.name(), v(a), v(b)),
            Op::Convert(conv, a) => format!("{} {}", conv.mnemonic(), v(a)),
            Op::Select {
                ty,
                cond,
                if_true,
                if_false,
            } => format!("{ty}.select {}, {}, {}", v(cond), v(if_true), v(if_false)),
            Op::Load {
                access,
                addr,
                offset,
                mem,
            } => format!(
                "{} {}{}{}",
                access.load_mnemonic(),
                self.names.mem_prefix(*mem),
                v(addr),
                offset_text(*offset)
            ),
            Op::Store {
                access,
                addr,
                value,
                offset,
                mem,
            } => format!(
                "{} {}{}, {}{}",
                access.store_mnemonic(),
                self.names.mem_prefix(*mem),
                v(addr),
                v(value),
                offset_text(*offset)
            ),
            Op::SlotAddr(s) => format!("slot.addr {}", Self::local(&self.slots, s.index(), "slot")),
            Op::DataAddr(d) => format!("data.addr {}", self.names.data(d.index())),
            Op::FuncAddr(f) => format!("func.addr {}", self.names.func(f.index())),
            Op::MemorySize(mem) if mem.is_default() => "memory.size".to_string(),
            Op::MemorySize(mem) => format!("memory.size {}", self.names.mem(*mem)),
            Op::MemoryGrow(mem, a) => {
                format!("memory.grow {}{}", self.names.mem_prefix(*mem), v(a))
            }
            Op::StackAlloc(a) => format!("stack.alloc {}", v(a)),
            Op::StackSave => "stack.save".to_string(),
            Op::StackRestore(a) => format!("stack.restore {}", v(a)),
            Op::MemoryCopy {
                dst,
                src,
                len,
                dst_mem,
                src_mem,
            } => {
                let mems = match (dst_mem == src_mem, dst_mem.is_default()) {
                    (true, true) => String::new(),
                    (true, false) => self.names.mem_prefix(*dst_mem),
                    (false, _) => {
                        let (d, s) = (self.names.mem(*dst_mem), self.names.mem(*src_mem));
                        format!("{d}, {s}, ")
                    }
                };
                format!("memory.copy {mems}{}, {}, {}", v(dst), v(src), v(len))
            }
            Op::MemoryFill {
                dst,
                byte,
                len,
                mem,
            } => {
                let mem = self.names.mem_prefix(*mem);
                format!("memory.fill {mem}{}, {}, {}", v(dst), v(byte), v(len))
            }
            Op::Atomic { .. } => self.atomic(op),
            Op::AtomicFence => "atomic.fence".to_string(),
            Op::Call { func, args } => format!(
                "call {}({})",
                self.names.func(func.index()),
                self.value_list(args)
            ),
            Op::CallIndirect { sig, callee, args } => {
                format!(
                    "call_indirect {}({}) : {sig}",
                    v(callee),
                    self.value_list(args)
                )
            }
            Op::GlobalGet(g) => format!("global.get {}", self.names.global(g.index())),
            Op::GlobalSet(g, a) => format!("global.set {}, {}", self.names.global(g.index()), v(a)),
            Op::VarGet(x) => format!("var.get {}", Self::local(&self.vars, x.index(), "var")),
            Op::VarSet(x, a) => format!(
                "var.set {}, {}",
                Self::local(&self.vars, x.index(), "var"),
                v(a)
            ),
        }
    }

    fn terminator(&self, term: &Terminator) -> String {
        match term {
            Terminator::Jump(edge) => format!("jump {}", self.edge(edge)),
            Terminator::BrIf {
                cond,
                then_edge,
                else_edge,
            } => format!(
                "brif {}, {}, {}",
                self.value(*cond),
                self.edge(then_edge),
                self.edge(else_edge)
            ),
            Terminator::Switch {
                index,
                targets,
                default,
            } => {
                let targets: Vec<String> = targets.iter().map(|e| self.edge(e)).collect();
                format!(
                    "switch {}, [{}], {}",
                    self.value(*index),
                    targets.join(", "),
                    self.edge(default)
                )
            }
            Terminator::Cases {
                value,
                cases,
                default,
            } => {
                // As the literal was written, in 64-bit two's complement.
                let cases: Vec<String> = cases
                    .iter()
                    .map(|case| format!("{}: {}", case.value as i64, self.edge(&case.edge)))
                    .collect();
                format!(
                    "switch {}, [{}], {}",
                    self.value(*value),
                    cases.join(", "),
                    self.edge(default)
                )
            }
            Terminator::Return(values) if values.is_empty() => "return".to_string(),
            Terminator::Return(values) => format!("return {}", self.value_list(values)),
            Terminator::Unreachable => "unreachable".to_string(),
        }
    }

    /// `label` or `label(%a, %b)`.
    fn edge(&self, edge: &Edge) -> String {
        let index = edge.block.index();
        let label = match self.blocks.get(index) {
            Some(name) => name.clone(),
            None => format!("block{index}"),
        };
        if edge.args.is_empty() {
            label
        } else {
            format!("{label}({})", self.value_list(&edge.args))
        }
    }
}

fn offset_text(offset: u64) -> String {
    if offset == 0 {
        String::new()
    } else {
        format!(" offset={offset}")
    }
}
