//! Merging: the units' definitions become one module, every reference
//! rewritten to the linked ids.
//!
//! Order, which fixes function pointers and data addresses: the imports
//! first (in order of first declaration), then each unit's functions,
//! globals and data in unit order and module order. Function bodies are
//! copied as they are; only the references to module entities change
//! (`call`, `func.addr`, `data.addr`, `global.get/set`, initialisers and
//! data items). Spans still point into the units: [`Merged`] records which
//! unit each entity comes from.

use super::rename::Names;
use super::symbols::{Item, Resolution, Site, Target};
use crate::ir::{
    DataId, DataItem, FuncId, Function, GlobalId, GlobalInit, MemId, Memory, Module, Op,
};

pub(crate) struct Merged {
    pub module: Module,
    /// The unit each function comes from (an import: its first declaration's).
    pub func_units: Vec<usize>,
    pub global_units: Vec<usize>,
    pub data_units: Vec<usize>,
}

/// New ids by old id. An id with no entry maps to an id out of range,
/// which the verifier of the linked module reports rather than a panic.
#[derive(Default)]
pub(crate) struct IdMap {
    pub funcs: Vec<u32>,
    pub globals: Vec<u32>,
    pub data: Vec<u32>,
    /// The linked memory of each of the unit's memories, by its `MemId`;
    /// an id with no entry stays as it is.
    pub memories: Vec<MemId>,
}

impl IdMap {
    fn sized(m: &Module) -> IdMap {
        IdMap {
            funcs: vec![u32::MAX; m.funcs.len()],
            globals: vec![u32::MAX; m.globals.len()],
            data: vec![u32::MAX; m.data.len()],
            memories: Vec::new(),
        }
    }

    fn get(ids: &[u32], index: usize) -> u32 {
        ids.get(index).copied().unwrap_or(u32::MAX)
    }

    pub fn func(&self, id: FuncId) -> FuncId {
        FuncId(Self::get(&self.funcs, id.index()))
    }

    pub fn global(&self, id: GlobalId) -> GlobalId {
        GlobalId(Self::get(&self.globals, id.index()))
    }

    pub fn data(&self, id: DataId) -> DataId {
        DataId(Self::get(&self.data, id.index()))
    }

    pub fn memory(&self, id: MemId) -> MemId {
        self.memories.get(id.index()).copied().unwrap_or(id)
    }

    fn set(&mut self, item: Item, new: u32) {
        let (ids, index) = match item {
            Item::Func(f) => (&mut self.funcs, f.index()),
            Item::Global(g) => (&mut self.globals, g.index()),
            Item::Data(d) => (&mut self.data, d.index()),
        };
        if let Some(slot) = ids.get_mut(index) {
            *slot = new;
        }
    }

    fn lookup(&self, item: Item) -> u32 {
        match item {
            Item::Func(f) => self.func(f).0,
            Item::Global(g) => self.global(g).0,
            Item::Data(d) => self.data(d).0,
        }
    }

    pub fn rewrite_func(&self, func: &mut Function) {
        for inst in func.blocks.iter_mut().flat_map(|b| &mut b.insts) {
            match &mut inst.op {
                Op::Call { func, .. } | Op::FuncAddr(func) => *func = self.func(*func),
                Op::DataAddr(d) => *d = self.data(*d),
                Op::GlobalGet(g) | Op::GlobalSet(g, _) => *g = self.global(*g),
                Op::Load { mem, .. }
                | Op::Store { mem, .. }
                | Op::MemorySize(mem)
                | Op::MemoryGrow(mem, _)
                | Op::MemoryFill { mem, .. } => *mem = self.memory(*mem),
                Op::MemoryCopy {
                    dst_mem, src_mem, ..
                } => {
                    *dst_mem = self.memory(*dst_mem);
                    *src_mem = self.memory(*src_mem);
                }
                _ => {}
            }
        }
    }

    pub fn rewrite_init(&self, init: &mut GlobalInit) {
        match init {
            GlobalInit::DataAddr(d, _) => *d = self.data(*d),
            GlobalInit::FuncAddr(f) => *f = self.func(*f),
            GlobalInit::Const(_) => {}
        }
    }

    pub fn rewrite_items(&self, items: &mut [DataItem]) {
        for item in items {
            match item {
                DataItem::DataAddr(d, _) => *d = self.data(*d),
                DataItem::FuncAddr(f) => *f = self.func(*f),
                DataItem::Bytes(_) | DataItem::Scalar(_) | DataItem::Zero(_) | DataItem::Ptr(_) => {
                }
            }
        }
    }
}

/// `memories`: the linked memories and each unit's map to them
/// (`memories.rs`).
pub(crate) fn merge(
    units: &[Module],
    res: &Resolution,
    names: &Names,
    memories: (Vec<Memory>, Vec<Vec<MemId>>),
) -> Merged {
    let mut maps: Vec<IdMap> = units.iter().map(IdMap::sized).collect();
    let (linked_memories, memory_maps) = memories;
    for (map, memories) in maps.iter_mut().zip(memory_maps) {
        map.memories = memories;
    }
    let mut out = Merged {
        module: Module::default(),
        func_units: Vec::new(),
        global_units: Vec::new(),
        data_units: Vec::new(),
    };
    // One memory for the program: shared when any unit needs it shared.
    out.module.shared_memory = units.iter().any(|u| u.shared_memory);
    out.module.memories = linked_memories;
    for (index, import) in res.imports.iter().enumerate() {
        let first = import.decls[0];
        if let Item::Func(f) = first.item {
            let mut func = units[first.unit].func(f).clone();
            func.name = names.imports[index].clone();
            out.module.add_function(func);
            out.func_units.push(first.unit);
        }
    }
    for (u, unit) in units.iter().enumerate() {
        add_definitions(&mut out, &mut maps[u], u, unit, names);
    }
    resolve_declarations(&mut maps, res);
    rewrite_references(&mut out, &maps);
    out
}

/// Appends a unit's definitions, renamed, with references still unit ids.
fn add_definitions(out: &mut Merged, map: &mut IdMap, u: usize, unit: &Module, names: &Names) {
    let name = |item| names.defs.get(&Site { unit: u, item }).cloned();
    for (i, global) in unit.globals.iter().enumerate() {
        let id = GlobalId(i as u32);
        let (Some(new_name), vis) = (name(Item::Global(id)), unit.global_vis(id)) else {
            continue;
        };
        let mut global = global.clone();
        global.name = new_name;
        let new = out.module.add_global(global);
        out.module.set_global_vis(new, vis);
        out.global_units.push(u);
        map.set(Item::Global(id), new.0);
    }
    for (i, data) in unit.data.iter().enumerate() {
        let id = DataId(i as u32);
        let (Some(new_name), vis) = (name(Item::Data(id)), unit.data_vis(id)) else {
            continue;
        };
        let mut data = data.clone();
        data.name = new_name;
        let new = out.module.add_data(data);
        out.module.set_data_vis(new, vis);
        let mem = map.memory(unit.data_mem(id));
        if !mem.is_default() {
            out.module.data_memory.insert(new, mem);
        }
        out.data_units.push(u);
        map.set(Item::Data(id), new.0);
    }
    for (i, func) in unit.funcs.iter().enumerate() {
        let id = FuncId(i as u32);
        let Some(new_name) = name(Item::Func(id)) else {
            continue;
        };
        let mut func = func.clone();
        func.name = new_name;
        let new = out.module.add_function(func);
        out.func_units.push(u);
        map.set(Item::Func(id), new.0);
    }
}

/// Gives each declaration the id of what it resolves to.
fn resolve_declarations(maps: &mut [IdMap], res: &Resolution) {
    for (site, target) in &res.targets {
        let new = match *target {
            Target::Def(def) => maps[def.unit].lookup(def.item),
            Target::Import(index) => index as u32,
        };
        maps[site.unit].set(site.item, new);
    }
}

/// Rewrites every reference with the map of the unit it came from.
fn rewrite_references(out: &mut Merged, maps: &[IdMap]) {
    let m = &mut out.module;
    let map = |units: &[usize], i: usize| units.get(i).and_then(|u| maps.get(*u));
    for (i, func) in m.funcs.iter_mut().enumerate() {
        if let Some(map) = map(&out.func_units, i).filter(|_| !func.is_import()) {
            map.rewrite_func(func);
        }
    }
    for (i, global) in m.globals.iter_mut().enumerate() {
        if let Some(map) = map(&out.global_units, i) {
            map.rewrite_init(&mut global.init);
        }
    }
    for (i, data) in m.data.iter_mut().enumerate() {
        if let Some(map) = map(&out.data_units, i) {
            map.rewrite_items(&mut data.items);
        }
    }
}
