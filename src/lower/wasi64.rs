//! WASI preview1 for wasm64, through an adapter inside the module.
//!
//! No standard 64-bit WASI exists: preview1 runtimes pass 32-bit pointers
//! into the memory exported as `memory`. So a wasm64 module whose IR
//! imports from `wasi_snapshot_preview1` gets, from the lowering:
//!
//! - a second, 32-bit scratch memory of [`SCRATCH_PAGES`] pages, exported as
//!   `memory` (the 64-bit main memory is exported as `memory64`);
//! - the real preview1 imports, under `$wasi:<name>` with their standard
//!   32-bit signatures;
//! - for each imported function, a wrapper under the IR's name with the
//!   IR's 64-bit signature, which copies buffers into the scratch memory,
//!   calls the real import, and copies results back.
//!
//! The module then runs on any preview1 runtime, exactly like a wasm32 one.
//!
//! The IR side of the ABI is preview1 with C's natural layout on each
//! target: pointers and sizes (`size_t`) are `ptr`, so they are 64-bit in
//! arguments and in structs on wasm64 (an iovec `{ buf, len }` is 16 bytes,
//! a prestat's name length is 8 bytes at offset 8), as LLVM's wasm64-wasi
//! target and wasi-libc lay them out. Everything else is as in preview1.
//!
//! Buffers go through the scratch memory in chunks of at most [`CAPACITY`]
//! bytes: `fd_read`/`fd_write` loop over chunks (a short transfer ends the
//! call, as a short read or write does); other functions give `overflow`
//! (61) for a larger buffer, and `args_get`/`environ_get` give `nomem` (48)
//! when the arguments do not fit.

use super::ModuleCx;
use crate::diag::{Diagnostic, Span};
use crate::ir::{Signature, Type};
use crate::wat::{
    self, BlockType, Conversion, Instr, IntBinOp, IntCmpOp, IntType, IntUnOp, LoadKind, Local,
    MemArg, StoreKind, ValType,
};

/// The import module name of WASI preview1.
pub(super) const WASI_MODULE: &str = "wasi_snapshot_preview1";
/// The scratch memory's id in the WAT.
pub(super) const SCRATCH: &str = "wasi_scratch";
/// Pages of the scratch memory (256 KiB).
pub(super) const SCRATCH_PAGES: u64 = 4;
const SCRATCH_BYTES: i64 = SCRATCH_PAGES as i64 * 65536;
/// Where buffers start in the scratch memory; below are small results.
const BUF: i32 = 64;
/// The largest buffer the scratch memory holds at once.
pub(super) const CAPACITY: i64 = SCRATCH_BYTES - BUF as i64;
const ERRNO_NOMEM: i32 = 48;
const ERRNO_OVERFLOW: i32 = 61;

/// How a wrapper passes one argument of a WASI function.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Arg {
    I32,
    I64,
    /// A buffer the callee reads; its length is the next argument.
    InBuf,
    /// A buffer the callee writes; its length is the next argument.
    OutBuf,
    /// The length of the buffer before it.
    Len,
    /// Where the callee writes a size: u32 in preview1, ptr-sized here.
    OutSize,
    /// Where the callee writes a u32 that is not a size (a file descriptor).
    OutU32,
    /// Where the callee writes a u64 (a timestamp, a file offset).
    OutU64,
    /// Where the callee writes a struct of this many bytes without
    /// pointers or sizes (the same layout on both sides).
    OutBytes(i32),
}

/// The functions the adapter knows, by how their arguments are handled.
enum Shape {
    Generic(&'static [Arg]),
    /// `fd_write` / `fd_read`: an array of iovecs, a count and a size out.
    IoVecs,
    /// `args_get` / `environ_get`, with the sizes function they need.
    PointerArray {
        sizes: &'static str,
    },
    /// `fd_prestat_get`: a struct whose name length widens to 64 bits.
    Prestat,
}

fn shape_of(name: &str) -> Option<Shape> {
    use Arg::*;
    Some(match name {
        "fd_write" | "fd_read" => Shape::IoVecs,
        "args_get" => Shape::PointerArray {
            sizes: "args_sizes_get",
        },
        "environ_get" => Shape::PointerArray {
            sizes: "environ_sizes_get",
        },
        "fd_prestat_get" => Shape::Prestat,
        "args_sizes_get" | "environ_sizes_get" => Shape::Generic(&[OutSize, OutSize]),
        "clock_time_get" => Shape::Generic(&[I32, I64, OutU64]),
        "random_get" => Shape::Generic(&[OutBuf, Len]),
        "fd_prestat_dir_name" => Shape::Generic(&[I32, OutBuf, Len]),
        "path_open" => Shape::Generic(&[I32, I32, InBuf, Len, I32, I64, I64, I32, OutU32]),
        "fd_seek" => Shape::Generic(&[I32, I64, I32, OutU64]),
        "fd_fdstat_get" => Shape::Generic(&[I32, OutBytes(24)]),
        _ => return None,
    })
}

/// The arguments of a shape, as the IR declares them and as preview1 takes them.
fn args_of(shape: &Shape) -> &'static [Arg] {
    use Arg::*;
    match shape {
        Shape::Generic(args) => args,
        Shape::IoVecs => &[I32, InBuf, Len, OutSize],
        Shape::PointerArray { .. } => &[OutBuf, OutBuf],
        Shape::Prestat => &[I32, OutBytes(8)],
    }
}

fn portable(arg: Arg) -> Type {
    match arg {
        Arg::I32 => Type::I32,
        Arg::I64 => Type::I64,
        _ => Type::Ptr,
    }
}

fn preview1(arg: Arg) -> Type {
    match arg {
        Arg::I64 => Type::I64,
        _ => Type::I32,
    }
}

fn signature(args: &[Arg], ty: fn(Arg) -> Type) -> Signature {
    Signature {
        params: args.iter().map(|a| ty(*a)).collect(),
        results: vec![Type::I32],
    }
}

/// Whether a WASI import needs a wrapper on wasm64: it does when its IR
/// signature has a pointer; the others (`proc_exit`, `fd_close`, ...) are
/// imported as they are.
pub(super) fn needs_adapter(sig: &Signature) -> bool {
    sig.params
        .iter()
        .chain(&sig.results)
        .any(|t| *t == Type::Ptr)
}

/// Adds the real import(s) and the wrapper for the WASI function `name`,
/// declared in the IR with `sig` and called as `$wrapper`.
pub(super) fn adapt(
    cx: &mut ModuleCx,
    name: &str,
    sig: &Signature,
    wrapper: &str,
    span: Span,
) -> Result<wat::Func, Diagnostic> {
    let Some(shape) = shape_of(name) else {
        return Err(Diagnostic::new(
            format!(
                "not yet supported: the WASI function `{name}` on wasm64 (the adapter covers \
                 fd_write, fd_read, args_get, args_sizes_get, environ_get, environ_sizes_get, \
                 clock_time_get, random_get, fd_prestat_get, fd_prestat_dir_name, path_open, \
                 fd_seek, fd_fdstat_get, and every function without pointers)"
            ),
            span,
        ));
    };
    let args = args_of(&shape);
    let expected = signature(args, portable);
    if *sig != expected {
        return Err(Diagnostic::new(
            format!("WASI `{name}` is declared as `{sig}`, but wasm64 WASI expects `{expected}`"),
            span,
        ));
    }
    let real = import(cx, name, &signature(args, preview1));
    let mut w = Wrapper::new(cx, sig, wrapper);
    match shape {
        Shape::Generic(args) => w.generic(args, &real),
        Shape::IoVecs => w.iovecs(&real),
        Shape::PointerArray { sizes } => {
            let sizes = import(
                cx,
                sizes,
                &signature(&[Arg::OutSize, Arg::OutSize], preview1),
            );
            w.pointer_array(&real, &sizes)
        }
        Shape::Prestat => w.prestat(&real),
    }
    Ok(w.finish())
}

/// Imports a preview1 function once, as `$wasi:<name>` (IR names have no
/// `:`, so this cannot clash with them); returns its id.
fn import(cx: &mut ModuleCx, name: &str, sig: &Signature) -> String {
    let id = format!("wasi:{name}");
    let known = cx.out.imports.iter().any(|i| match &i.desc {
        wat::ImportDesc::Func { id: existing, .. } => *existing == id,
        wat::ImportDesc::Memory(_) => false,
    });
    if !known {
        let ty = cx.new_type_use(sig);
        cx.out.imports.push(wat::Import {
            module: WASI_MODULE.into(),
            name: name.into(),
            desc: wat::ImportDesc::Func { id: id.clone(), ty },
        });
    }
    id
}

/// A wrapper function under construction.
struct Wrapper {
    id: String,
    ty: wat::TypeUse,
    locals: Vec<Local>,
    body: Vec<Instr>,
}

fn arg(i: usize) -> String {
    format!("a{i}")
}

impl Wrapper {
    fn new(cx: &mut ModuleCx, sig: &Signature, id: &str) -> Wrapper {
        let mut ty = cx.new_type_use(sig);
        for (i, param) in ty.params.iter_mut().enumerate() {
            param.0 = Some(arg(i));
        }
        Wrapper {
            id: id.into(),
            ty,
            locals: vec![Local {
                id: "errno".into(),
                ty: ValType::I32,
            }],
            body: Vec::new(),
        }
    }

    fn finish(self) -> wat::Func {
        wat::Func {
            id: self.id,
            ty: self.ty,
            locals: self.locals,
            body: self.body,
            comment: Some("wasm64 adapter: WASI preview1 through the 32-bit scratch memory".into()),
            def: None,
            vars: Vec::new(),
        }
    }

    fn local(&mut self, id: &str, ty: ValType) {
        self.locals.push(Local { id: id.into(), ty });
    }

    fn emit(&mut self, instrs: impl IntoIterator<Item = Instr>) {
        self.body.extend(instrs);
    }

    /// `call $real`, then return its errno unless it is 0.
    fn call_checked(&mut self, real: &str) {
        self.emit([
            Instr::Call(real.into()),
            Instr::LocalTee("errno".into()),
            Instr::If {
                label: String::new(),
                ty: BlockType::default(),
                then_body: vec![get("errno"), Instr::Return],
                else_body: vec![],
            },
        ]);
    }

    /// Returns `errno` when the buffer length in argument `len` is too large.
    fn check_capacity(&mut self, len: usize) {
        self.emit([
            get(&arg(len)),
            Instr::I64Const(CAPACITY),
            i64_cmp(IntCmpOp::GtU),
            Instr::If {
                label: String::new(),
                ty: BlockType::default(),
                then_body: vec![Instr::I32Const(ERRNO_OVERFLOW), Instr::Return],
                else_body: vec![],
            },
        ]);
    }

    fn generic(&mut self, args: &[Arg], real: &str) {
        for (i, a) in args.iter().enumerate() {
            if matches!(a, Arg::InBuf | Arg::OutBuf) {
                self.check_capacity(i + 1);
            }
            if *a == Arg::InBuf {
                // scratch[BUF..] = main[a_i .. a_i + len]
                self.emit([Instr::I32Const(BUF), get(&arg(i)), get(&arg(i + 1)), wrap()]);
                self.emit([copy_into_scratch()]);
            }
        }
        let mut slot = 0;
        for (i, a) in args.iter().enumerate() {
            let pass = match a {
                Arg::I32 | Arg::I64 => get(&arg(i)),
                Arg::InBuf | Arg::OutBuf | Arg::OutBytes(_) => Instr::I32Const(BUF),
                Arg::Len => {
                    self.emit([get(&arg(i))]);
                    wrap()
                }
                Arg::OutSize | Arg::OutU32 | Arg::OutU64 => {
                    slot += 8;
                    Instr::I32Const(slot - 8)
                }
            };
            self.emit([pass]);
        }
        self.call_checked(real);
        let mut slot = 0;
        for (i, a) in args.iter().enumerate() {
            let out = get(&arg(i));
            match a {
                Arg::OutBuf => self.emit([
                    out,
                    Instr::I32Const(BUF),
                    get(&arg(i + 1)),
                    wrap(),
                    copy_into_main(),
                ]),
                Arg::OutBytes(n) => self.emit([
                    out,
                    Instr::I32Const(BUF),
                    Instr::I32Const(*n),
                    copy_into_main(),
                ]),
                Arg::OutSize => {
                    self.emit([out, Instr::I32Const(slot), scratch_load(LoadKind::I32, 0)]);
                    self.emit([extend_u(), main_store(StoreKind::I64, 0)]);
                }
                Arg::OutU32 => self.emit([
                    out,
                    Instr::I32Const(slot),
                    scratch_load(LoadKind::I32, 0),
                    main_store(StoreKind::I32, 0),
                ]),
                Arg::OutU64 => self.emit([
                    out,
                    Instr::I32Const(slot),
                    scratch_load(LoadKind::I64, 0),
                    main_store(StoreKind::I64, 0),
                ]),
                _ => continue,
            }
            if matches!(a, Arg::OutSize | Arg::OutU32 | Arg::OutU64) {
                slot += 8;
            }
        }
        self.emit([Instr::I32Const(0)]);
    }

    /// `fd_write`/`fd_read(fd, iovs, count, n_out)`: one preview1 call per
    /// chunk of each iovec, through the scratch buffer.
    fn iovecs(&mut self, real: &str) {
        let reading = real.ends_with("fd_read");
        for (id, ty) in [
            ("i", ValType::I64),
            ("total", ValType::I64),
            ("buf", ValType::I64),
            ("len", ValType::I64),
            ("chunk", ValType::I32),
            ("done", ValType::I32),
        ] {
            self.local(id, ty);
        }
        let (fd, iovs, count, n_out) = (arg(0), arg(1), arg(2), arg(3));
        // The next iovec's buffer and length, then i += 1.
        let mut next_iovec = vec![
            get("i"),
            get(&count),
            i64_cmp(IntCmpOp::GeU),
            Instr::BrIf("finish".into()),
            get(&iovs),
            get("i"),
            Instr::I64Const(4),
            i64_op(IntBinOp::Shl),
            i64_op(IntBinOp::Add),
            Instr::LocalTee("buf".into()),
            main_load(LoadKind::I64, 8),
            set("len"),
            get("buf"),
            main_load(LoadKind::I64, 0),
            set("buf"),
            get("i"),
            Instr::I64Const(1),
            i64_op(IntBinOp::Add),
            set("i"),
        ];
        let mut chunk = vec![
            get("len"),
            i64_eqz(),
            Instr::BrIf("next_iovec".into()),
            // chunk = min(len, CAPACITY)
            get("len"),
            Instr::I64Const(CAPACITY),
            get("len"),
            Instr::I64Const(CAPACITY),
            i64_cmp(IntCmpOp::LtU),
            Instr::Select,
            wrap(),
            set("chunk"),
        ];
        if !reading {
            chunk.extend([
                Instr::I32Const(BUF),
                get("buf"),
                get("chunk"),
                copy_into_scratch(),
            ]);
        }
        chunk.extend([
            // One iovec at scratch 0, the count written at scratch 8.
            Instr::I32Const(0),
            Instr::I32Const(BUF),
            scratch_store(StoreKind::I32, 0),
            Instr::I32Const(0),
            get("chunk"),
            scratch_store(StoreKind::I32, 4),
            get(&fd),
            Instr::I32Const(0),
            Instr::I32Const(1),
            Instr::I32Const(8),
            Instr::Call(real.into()),
            Instr::LocalTee("errno".into()),
            Instr::If {
                label: String::new(),
                ty: BlockType::default(),
                // An error after some progress reports the progress instead.
                then_body: vec![
                    get("total"),
                    i64_eqz(),
                    Instr::If {
                        label: String::new(),
                        ty: BlockType::default(),
                        then_body: vec![get("errno"), Instr::Return],
                        else_body: vec![],
                    },
                    Instr::Br("finish".into()),
                ],
                else_body: vec![],
            },
            Instr::I32Const(8),
            scratch_load(LoadKind::I32, 0),
            set("done"),
        ]);
        if reading {
            chunk.extend([
                get("buf"),
                Instr::I32Const(BUF),
                get("done"),
                copy_into_main(),
            ]);
        }
        for (local, op) in [
            ("total", IntBinOp::Add),
            ("buf", IntBinOp::Add),
            ("len", IntBinOp::Sub),
        ] {
            chunk.extend([get(local), get("done"), extend_u(), i64_op(op), set(local)]);
        }
        chunk.extend([
            // A short transfer ends the call.
            get("done"),
            get("chunk"),
            i32_cmp(IntCmpOp::LtU),
            Instr::BrIf("finish".into()),
            Instr::Br("next_chunk".into()),
        ]);
        next_iovec.push(looped("next_chunk", chunk));
        self.emit([Instr::Block {
            label: "finish".into(),
            ty: BlockType::default(),
            body: vec![looped("next_iovec", next_iovec)],
        }]);
        self.emit([
            get(&n_out),
            get("total"),
            main_store(StoreKind::I64, 0),
            Instr::I32Const(0),
        ]);
    }

    /// `args_get`/`environ_get(array, strings)`: the strings are copied as
    /// they are, the array of 32-bit pointers is rebased and widened.
    fn pointer_array(&mut self, real: &str, sizes: &str) {
        for id in ["count", "size", "base", "k"] {
            self.local(id, ValType::I32);
        }
        let (array, strings) = (arg(0), arg(1));
        self.emit([Instr::I32Const(0), Instr::I32Const(4)]);
        self.call_checked(sizes);
        self.emit([
            Instr::I32Const(0),
            scratch_load(LoadKind::I32, 0),
            set("count"),
            Instr::I32Const(4),
            scratch_load(LoadKind::I32, 0),
            set("size"),
            // The pointers at BUF, the strings right after them.
            Instr::I32Const(BUF),
            get("count"),
            Instr::I32Const(2),
            i32_op(IntBinOp::Shl),
            i32_op(IntBinOp::Add),
            set("base"),
            get("base"),
            get("size"),
            i32_op(IntBinOp::Add),
            Instr::I32Const(SCRATCH_BYTES as i32),
            i32_cmp(IntCmpOp::GtU),
            Instr::If {
                label: String::new(),
                ty: BlockType::default(),
                then_body: vec![Instr::I32Const(ERRNO_NOMEM), Instr::Return],
                else_body: vec![],
            },
            Instr::I32Const(BUF),
            get("base"),
        ]);
        self.call_checked(real);
        self.emit([get(&strings), get("base"), get("size"), copy_into_main()]);
        let each = vec![
            get("k"),
            get("count"),
            i32_cmp(IntCmpOp::GeU),
            Instr::BrIf("done".into()),
            // array[k] = strings + (pointer32[k] - base)
            get(&array),
            get("k"),
            extend_u(),
            Instr::I64Const(3),
            i64_op(IntBinOp::Shl),
            i64_op(IntBinOp::Add),
            get(&strings),
            get("k"),
            Instr::I32Const(2),
            i32_op(IntBinOp::Shl),
            scratch_load(LoadKind::I32, BUF as u64),
            get("base"),
            i32_op(IntBinOp::Sub),
            extend_u(),
            i64_op(IntBinOp::Add),
            main_store(StoreKind::I64, 0),
            get("k"),
            Instr::I32Const(1),
            i32_op(IntBinOp::Add),
            set("k"),
            Instr::Br("each".into()),
        ];
        self.emit([
            Instr::Block {
                label: "done".into(),
                ty: BlockType::default(),
                body: vec![looped("each", each)],
            },
            Instr::I32Const(0),
        ]);
    }

    /// `fd_prestat_get(fd, out)`: preview1 writes `{ u8 tag; u32 len }`;
    /// the IR reads `{ u8 tag; size_t len }`, the length at offset 8.
    fn prestat(&mut self, real: &str) {
        let (fd, out) = (arg(0), arg(1));
        self.emit([get(&fd), Instr::I32Const(0)]);
        self.call_checked(real);
        self.emit([
            get(&out),
            Instr::I32Const(0),
            scratch_load(LoadKind::I32_8U, 0),
            main_store(StoreKind::I32_8, 0),
            get(&out),
            Instr::I32Const(4),
            scratch_load(LoadKind::I32, 0),
            extend_u(),
            main_store(StoreKind::I64, 8),
            Instr::I32Const(0),
        ]);
    }
}

fn get(id: &str) -> Instr {
    Instr::LocalGet(id.into())
}

fn set(id: &str) -> Instr {
    Instr::LocalSet(id.into())
}

fn i32_op(op: IntBinOp) -> Instr {
    Instr::IntBinary {
        ty: IntType::I32,
        op,
    }
}

fn i64_op(op: IntBinOp) -> Instr {
    Instr::IntBinary {
        ty: IntType::I64,
        op,
    }
}

fn i32_cmp(op: IntCmpOp) -> Instr {
    Instr::IntCompare {
        ty: IntType::I32,
        op,
    }
}

fn i64_cmp(op: IntCmpOp) -> Instr {
    Instr::IntCompare {
        ty: IntType::I64,
        op,
    }
}

fn i64_eqz() -> Instr {
    Instr::IntUnary {
        ty: IntType::I64,
        op: IntUnOp::Eqz,
    }
}

/// A 32-bit size from preview1 as the IR's 64-bit one.
fn extend_u() -> Instr {
    Instr::Convert(Conversion::Extend { signed: false })
}

/// A buffer length as the i32 that `memory.copy` between the memories takes.
fn wrap() -> Instr {
    Instr::Convert(Conversion::Wrap)
}

fn looped(label: &str, body: Vec<Instr>) -> Instr {
    Instr::Loop {
        label: label.into(),
        ty: BlockType::default(),
        body,
    }
}

fn copy_into_scratch() -> Instr {
    Instr::MemoryCopy {
        memories: Some((SCRATCH.into(), super::MAIN_MEMORY.into())),
    }
}

fn copy_into_main() -> Instr {
    Instr::MemoryCopy {
        memories: Some((super::MAIN_MEMORY.into(), SCRATCH.into())),
    }
}

fn memarg(memory: Option<&str>, offset: u64) -> MemArg {
    MemArg {
        memory: memory.map(str::to_string),
        offset,
        align: None,
    }
}

fn scratch_load(kind: LoadKind, offset: u64) -> Instr {
    Instr::Load {
        kind,
        memarg: memarg(Some(SCRATCH), offset),
    }
}

fn scratch_store(kind: StoreKind, offset: u64) -> Instr {
    Instr::Store {
        kind,
        memarg: memarg(Some(SCRATCH), offset),
    }
}

fn main_load(kind: LoadKind, offset: u64) -> Instr {
    Instr::Load {
        kind,
        memarg: memarg(None, offset),
    }
}

fn main_store(kind: StoreKind, offset: u64) -> Instr {
    Instr::Store {
        kind,
        memarg: memarg(None, offset),
    }
}
