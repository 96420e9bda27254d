//! The lowering of a threads program ([`crate::ir::threads`], docs/ir.md
//! "Threads"): what it has that other modules do not.
//!
//! - Its memory is imported, `(import "env" "memory" (memory ... shared))`:
//!   wasi-threads gives every thread an instance of the module over one
//!   memory, which therefore cannot be the module's own.
//! - Its data segments are passive and a start function, `$__init_memory`,
//!   writes them once: an active segment would be written again by every
//!   thread's instantiation, over what the program has done since. The
//!   first instance to win a compare-exchange of the i32 at byte 8 (0 to 1,
//!   in the never-used 0..16 of the memory map) copies the segments, stores
//!   2 and notifies; another one that finds 1 waits until it reads 2. Every
//!   instance then drops its segments. The flag is used only when there are
//!   segments (a module of zeros only has none).
//! - A mutable `$__stack_limit` global takes the place of the constant
//!   `stack_base` in the frame and `stack.alloc` checks ([`super::func`]):
//!   each thread's stack has its own bounds. `@wasi_thread_start` sets the
//!   thread's stack pointer and limit from its thread block (`low`, `size`:
//!   the first two pointer-sized fields at `%arg`) before its own frame is
//!   allocated ([`thread_entry`]).

use super::ModuleCx;
use super::ops::ptr_type;
use crate::ir::Signature;
use crate::wat::{
    self, AtomicKind, AtomicWidth, BlockType, Instr, IntBinOp, IntCmpOp, IntType, LoadKind, MemArg,
};

/// The address of the data-initialisation flag (an i32): 0 before, 1
/// while one instance writes the segments, 2 after.
pub(crate) const INIT_FLAG: u64 = 8;

/// Where the shared memory is imported from (what `vitte-runtime` and
/// wasi-libc's threads expect).
const MEMORY_IMPORT: (&str, &str) = ("env", "memory");

/// The import of the shared memory, in place of its definition.
pub(super) fn memory_import(memory: wat::Memory) -> wat::Import {
    wat::Import {
        module: MEMORY_IMPORT.0.into(),
        name: MEMORY_IMPORT.1.into(),
        desc: wat::ImportDesc::Memory(memory),
    }
}

/// A passive segment to write at `addr` when the program starts.
pub(super) struct Segment {
    pub id: String,
    pub addr: u64,
    pub len: u32,
}

/// `$__init_memory`, the start function that writes `segments` once.
pub(super) fn init_memory(cx: &mut ModuleCx, id: String, segments: &[Segment]) -> wat::Func {
    let ty = cx.new_type_use(&Signature::default());
    let flag = || cx.ptr_const(INIT_FLAG);
    let mut winner = vec![Instr::Comment(
        "the first instance: write the segments, then say so".into(),
    )];
    for s in segments {
        winner.extend([
            cx.ptr_const(s.addr),
            Instr::I32Const(0),
            Instr::I32Const(s.len as i32),
            Instr::MemoryInit(s.id.clone()),
        ]);
    }
    winner.extend([
        flag(),
        Instr::I32Const(2),
        atomic(AtomicKind::Store(AtomicWidth::I32)),
        flag(),
        Instr::I32Const(-1),
        atomic(AtomicKind::Notify),
        Instr::Drop,
    ]);
    let wait = vec![
        flag(),
        atomic(AtomicKind::Load(AtomicWidth::I32)),
        Instr::I32Const(2),
        Instr::IntCompare {
            ty: IntType::I32,
            op: IntCmpOp::Eq,
        },
        Instr::BrIf("done".into()),
        flag(),
        Instr::I32Const(1),
        Instr::I64Const(-1),
        atomic(AtomicKind::Wait32),
        Instr::Drop,
        Instr::Br("wait".into()),
    ];
    let loser = vec![
        Instr::Comment("another instance writes them: wait until it is done".into()),
        Instr::Block {
            label: "done".into(),
            ty: BlockType::default(),
            body: vec![Instr::Loop {
                label: "wait".into(),
                ty: BlockType::default(),
                body: wait,
            }],
        },
    ];
    let mut body = vec![
        Instr::Comment(format!(
            "byte {INIT_FLAG}: 0 before, 1 while an instance writes the data, 2 after"
        )),
        flag(),
        Instr::I32Const(0),
        Instr::I32Const(1),
        atomic(AtomicKind::Cmpxchg(AtomicWidth::I32)),
        Instr::IntUnary {
            ty: IntType::I32,
            op: wat::IntUnOp::Eqz,
        },
        Instr::If {
            label: String::new(),
            ty: BlockType::default(),
            then_body: winner,
            else_body: loser,
        },
    ];
    body.extend(segments.iter().map(|s| Instr::DataDrop(s.id.clone())));
    wat::Func {
        id,
        ty,
        locals: Vec::new(),
        body,
        comment: Some("threads: the data, written once for all the threads".into()),
        def: None,
        vars: Vec::new(),
    }
}

fn atomic(kind: AtomicKind) -> Instr {
    Instr::Atomic {
        kind,
        memarg: MemArg::default(),
    }
}

/// The start of `@wasi_thread_start`'s body: the thread's stack limit is
/// `low` and its stack pointer `(low + size) & -16`, read from the thread
/// block at `arg` (the name of the parameter's local); `unreachable` if that
/// is below `low`.
pub(super) fn thread_entry(cx: &ModuleCx, arg: &str) -> Vec<Instr> {
    let limit = cx
        .stack_limit
        .clone()
        .expect("a threads program has a stack limit");
    let ptr = ptr_type(cx.target);
    let size = match ptr {
        IntType::I64 => 8,
        IntType::I32 => 4,
    };
    let load = match ptr {
        IntType::I64 => LoadKind::I64,
        IntType::I32 => LoadKind::I32,
    };
    vec![
        Instr::Comment("this thread's stack: low .. low + size, from its thread block".into()),
        Instr::LocalGet(arg.into()),
        Instr::Load {
            kind: load,
            memarg: MemArg::default(),
        },
        Instr::GlobalSet(limit.clone()),
        Instr::LocalGet(arg.into()),
        Instr::Load {
            kind: load,
            memarg: MemArg::at(size),
        },
        Instr::GlobalGet(limit.clone()),
        Instr::IntBinary {
            ty: ptr,
            op: IntBinOp::Add,
        },
        cx.ptr_const(!15),
        Instr::IntBinary {
            ty: ptr,
            op: IntBinOp::And,
        },
        Instr::GlobalSet(cx.stack_pointer.clone()),
        // A block whose `low + size` wraps, or smaller than its rounding,
        // would put the stack pointer below `low`.
        Instr::GlobalGet(cx.stack_pointer.clone()),
        Instr::GlobalGet(limit),
        Instr::IntCompare {
            ty: ptr,
            op: IntCmpOp::LtU,
        },
        Instr::If {
            label: String::new(),
            ty: BlockType::default(),
            then_body: vec![Instr::Unreachable],
            else_body: vec![],
        },
    ]
}

#[cfg(test)]
mod tests {
    use crate::ir::Target;
    use crate::text::parse_str;
    use crate::wat::{self, ImportDesc};

    const HEAD: &str = "memory shared\n\
        extern fn @spawn(ptr) -> i32 from \"wasi\" \"thread-spawn\"\n\
        pub fn @wasi_thread_start(%tid: i32, %arg: ptr) {\nentry:\n  return\n}\n";

    fn lower(text: &str, target: Target) -> wat::Module {
        let module = parse_str("t.vir", text).expect("parses");
        crate::verify::verify_module(&module).expect("verifies");
        super::super::lower_module(&module, target).expect("lowers")
    }

    #[test]
    fn the_memory_is_imported_and_the_data_passive_behind_a_start_function() {
        for (target, index) in [
            (Target::Wasm64, wat::IndexType::I64),
            (Target::Wasm32, wat::IndexType::I32),
        ] {
            let m = lower(&format!("{HEAD}data @msg = \"hi\"\n"), target);
            assert!(m.memories.is_empty(), "{target}");
            let memory = m.imports.iter().find_map(|i| match &i.desc {
                ImportDesc::Memory(mem) => Some((i.module.as_str(), i.name.as_str(), mem)),
                ImportDesc::Func { .. } => None,
            });
            let (module, name, mem) = memory.expect("an imported memory");
            assert_eq!((module, name), ("env", "memory"));
            assert!(mem.shared && mem.index_type == index && mem.max == Some(16384));
            assert_eq!(m.datas.len(), 1);
            assert!(m.datas[0].offset.is_empty(), "passive");
            assert_eq!(m.start.as_deref(), Some("__init_memory"));
            let init = m.funcs.last().expect("the start function");
            assert_eq!(init.id, "__init_memory");
            assert_eq!(init.body.last(), Some(&wat::Instr::DataDrop("msg".into())));
        }
    }

    #[test]
    fn zeros_only_need_no_start_function() {
        let m = lower(&format!("{HEAD}data @bss = zero 64\n"), Target::Wasm32);
        assert!(m.datas.is_empty() && m.start.is_none());
        assert!(m.funcs.iter().all(|f| f.id != "__init_memory"));
    }

    #[test]
    fn other_modules_keep_their_memory_and_no_stack_limit() {
        let m = lower(
            "memory shared\ndata @msg = \"hi\"\npub fn @f() {\nentry:\n  return\n}\n",
            Target::Wasm64,
        );
        assert_eq!(m.memories.len(), 1);
        assert!(!m.datas[0].offset.is_empty() && m.start.is_none());
        assert!(m.globals.iter().all(|g| g.id != "__stack_limit"));
    }

    #[test]
    fn a_unit_may_leave_wasi_thread_start_to_another() {
        let text = "memory shared\nextern fn @spawn(ptr) -> i32 from \"wasi\" \"thread-spawn\"\n";
        let module = parse_str("t.vir", text).expect("parses");
        assert!(crate::verify::verify_unit(&module).is_ok());
        let errors = crate::verify::verify_module(&module).expect_err("incomplete");
        assert!(
            errors
                .to_string()
                .contains("must define `pub fn @wasi_thread_start")
        );
    }
}
