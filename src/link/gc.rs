//! Dead-code removal (`--gc`): keep only what the roots reach.
//!
//! The roots are the exported functions (the entry point among them). A
//! function reaches what its instructions name (`call`, `func.addr`,
//! `data.addr`, `global.get/set`); a global reaches what its initialiser
//! names, and data what its `ptr` items name. Everything else, imports
//! included, is removed, and the survivors keep their relative order, so
//! the result is what linking only the kept entities would have given.

use super::merge::{IdMap, Merged};
use super::symbols::Item;
use crate::diag::Span;
use crate::ir::{DataId, DataItem, FuncId, GlobalId, GlobalInit, Module, Op};

/// An entity `--gc` removed.
pub(crate) struct Gone {
    /// `fn`, `extern fn`, `global` or `data`.
    pub kind: &'static str,
    pub name: String,
    pub unit: usize,
    pub span: Span,
}

/// Removes what the roots do not reach; returns what was removed, in
/// module order: functions, globals, then data.
pub(crate) fn collect(merged: &mut Merged, roots: &[FuncId]) -> Vec<Gone> {
    let live = reachable(&merged.module, roots);
    let removed: Vec<Gone> = all_items(&merged.module)
        .filter(|item| !live.contains(*item))
        .map(|item| describe(merged, item))
        .collect();
    if !removed.is_empty() {
        compact(merged, &live);
    }
    removed
}

fn describe(merged: &Merged, item: Item) -> Gone {
    let m = &merged.module;
    let unit_of = |units: &[usize], i: usize| units.get(i).copied().unwrap_or(0);
    let (kind, name, unit, span) = match item {
        Item::Func(f) => {
            let func = m.func(f);
            let kind = if func.is_import() { "extern fn" } else { "fn" };
            (
                kind,
                &func.name,
                unit_of(&merged.func_units, f.index()),
                func.span,
            )
        }
        Item::Global(g) => {
            let global = m.global(g);
            let unit = unit_of(&merged.global_units, g.index());
            ("global", &global.name, unit, global.span)
        }
        Item::Data(d) => {
            let data = m.data_def(d);
            (
                "data",
                &data.name,
                unit_of(&merged.data_units, d.index()),
                data.span,
            )
        }
    };
    Gone {
        kind,
        name: name.clone(),
        unit,
        span,
    }
}

/// One flag per entity of a module.
struct Live {
    funcs: Vec<bool>,
    globals: Vec<bool>,
    data: Vec<bool>,
}

impl Live {
    fn flag(&mut self, item: Item) -> Option<&mut bool> {
        match item {
            Item::Func(f) => self.funcs.get_mut(f.index()),
            Item::Global(g) => self.globals.get_mut(g.index()),
            Item::Data(d) => self.data.get_mut(d.index()),
        }
    }

    fn contains(&self, item: Item) -> bool {
        let flag = match item {
            Item::Func(f) => self.funcs.get(f.index()),
            Item::Global(g) => self.globals.get(g.index()),
            Item::Data(d) => self.data.get(d.index()),
        };
        flag.copied().unwrap_or(false)
    }
}

fn all_items(m: &Module) -> impl Iterator<Item = Item> + use<> {
    let funcs = (0..m.funcs.len() as u32).map(|i| Item::Func(FuncId(i)));
    let globals = (0..m.globals.len() as u32).map(|i| Item::Global(GlobalId(i)));
    let data = (0..m.data.len() as u32).map(|i| Item::Data(DataId(i)));
    funcs.chain(globals).chain(data)
}

/// A worklist over the reference graph.
fn reachable(m: &Module, roots: &[FuncId]) -> Live {
    let mut live = Live {
        funcs: vec![false; m.funcs.len()],
        globals: vec![false; m.globals.len()],
        data: vec![false; m.data.len()],
    };
    let mut work: Vec<Item> = roots.iter().map(|f| Item::Func(*f)).collect();
    while let Some(item) = work.pop() {
        match live.flag(item) {
            Some(flag) if !*flag => *flag = true,
            _ => continue,
        }
        work.extend(references(m, item));
    }
    live
}

/// The entities an entity names directly.
fn references(m: &Module, item: Item) -> Vec<Item> {
    match item {
        Item::Func(f) => m.funcs.get(f.index()).map_or(Vec::new(), |func| {
            let insts = func.blocks.iter().flat_map(|b| &b.insts);
            insts.filter_map(|inst| op_reference(&inst.op)).collect()
        }),
        Item::Global(g) => match m.globals.get(g.index()).map(|g| &g.init) {
            Some(GlobalInit::DataAddr(d, _)) => vec![Item::Data(*d)],
            Some(GlobalInit::FuncAddr(f)) => vec![Item::Func(*f)],
            _ => Vec::new(),
        },
        Item::Data(d) => m.data.get(d.index()).map_or(Vec::new(), |data| {
            (data.items.iter())
                .filter_map(|item| match item {
                    DataItem::DataAddr(d, _) => Some(Item::Data(*d)),
                    DataItem::FuncAddr(f) => Some(Item::Func(*f)),
                    _ => None,
                })
                .collect()
        }),
    }
}

fn op_reference(op: &Op) -> Option<Item> {
    match op {
        Op::Call { func, .. } | Op::FuncAddr(func) => Some(Item::Func(*func)),
        Op::DataAddr(d) => Some(Item::Data(*d)),
        Op::GlobalGet(g) | Op::GlobalSet(g, _) => Some(Item::Global(*g)),
        _ => None,
    }
}

/// Keeps the live entities, in order, and renumbers every reference.
fn compact(merged: &mut Merged, live: &Live) {
    let map = IdMap {
        funcs: renumber(&live.funcs),
        globals: renumber(&live.globals),
        data: renumber(&live.data),
        memories: Vec::new(),
    };
    let old = std::mem::take(&mut merged.module);
    let mut m = Module {
        shared_memory: old.shared_memory,
        memories: old.memories,
        ..Module::default()
    };
    for (i, mut func) in old.funcs.into_iter().enumerate() {
        if live.funcs[i] {
            map.rewrite_func(&mut func);
            m.add_function(func);
        }
    }
    for (i, mut global) in old.globals.into_iter().enumerate() {
        if live.globals[i] {
            map.rewrite_init(&mut global.init);
            let vis = old.global_visibility.get(&GlobalId(i as u32));
            let id = m.add_global(global);
            m.set_global_vis(id, vis.copied().unwrap_or_default());
        }
    }
    for (i, mut data) in old.data.into_iter().enumerate() {
        if live.data[i] {
            map.rewrite_items(&mut data.items);
            let vis = old.data_visibility.get(&DataId(i as u32));
            let id = m.add_data(data);
            m.set_data_vis(id, vis.copied().unwrap_or_default());
            if let Some(&mem) = old.data_memory.get(&DataId(i as u32)) {
                m.data_memory.insert(id, mem);
            }
        }
    }
    merged.module = m;
    keep(&mut merged.func_units, &live.funcs);
    keep(&mut merged.global_units, &live.globals);
    keep(&mut merged.data_units, &live.data);
}

/// The new index of each kept entry; removed ones map out of range.
fn renumber(live: &[bool]) -> Vec<u32> {
    let mut next = 0;
    live.iter()
        .map(|&keep| {
            if !keep {
                return u32::MAX;
            }
            next += 1;
            next - 1
        })
        .collect()
}

fn keep(units: &mut Vec<usize>, live: &[bool]) {
    let mut flags = live.iter();
    units.retain(|_| flags.next().copied().unwrap_or(false));
}
