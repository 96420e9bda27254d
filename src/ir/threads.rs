//! The threads ABI of the IR (docs/ir.md, "Threads"): what makes a module a
//! *threads program*, shared by the verifier, which checks it, and the
//! lowering, which gives such a program an imported shared memory, passive
//! data and per-thread shadow stacks.
//!
//! A threads program declares `memory shared`, imports
//! `extern fn @ANY(ptr) -> i32 from "wasi" "thread-spawn"` and defines
//! `pub fn @wasi_thread_start(%tid: i32, %arg: ptr)`. Importing
//! `thread-spawn` is what makes a module one; the verifier refuses a module
//! that does so without the rest.

use super::{FuncId, Linkage, Module, Signature, Type};

/// The import module of `thread-spawn` (wasi-threads' legacy ABI).
pub const SPAWN_MODULE: &str = "wasi";
/// The import name of the function that starts a thread.
pub const SPAWN_NAME: &str = "thread-spawn";
/// The function a new thread runs, `(%tid: i32, %arg: ptr)`.
pub const THREAD_START: &str = "wasi_thread_start";

/// `thread-spawn`'s signature: `(ptr) -> i32`.
pub fn spawn_signature() -> Signature {
    Signature {
        params: vec![Type::Ptr],
        results: vec![Type::I32],
    }
}

/// `wasi_thread_start`'s signature: `(i32, ptr)`, no result.
pub fn thread_start_signature() -> Signature {
    Signature {
        params: vec![Type::I32, Type::Ptr],
        results: vec![],
    }
}

/// Whether a function with this linkage is `thread-spawn`.
pub fn is_spawn(linkage: &Linkage) -> bool {
    matches!(linkage, Linkage::Import { module, name }
        if module == SPAWN_MODULE && name == SPAWN_NAME)
}

impl Module {
    /// The first function imported from `wasi`.`thread-spawn`, if any.
    pub fn thread_spawn_import(&self) -> Option<FuncId> {
        (self.funcs.iter())
            .position(|f| is_spawn(&f.linkage))
            .map(|i| FuncId(i as u32))
    }

    /// Whether this is a threads program: it imports `thread-spawn` (the
    /// verifier has checked the rest of the ABI).
    pub fn is_threads_program(&self) -> bool {
        self.thread_spawn_import().is_some()
    }

    /// The defined `@wasi_thread_start` of a threads program.
    pub fn thread_start(&self) -> Option<FuncId> {
        (self.func_by_name(THREAD_START)).filter(|&id| !self.func(id).is_import())
    }
}
