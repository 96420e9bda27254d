//! The verifier's checks of a threads program ([`crate::ir::threads`]): a
//! module that imports `wasi`.`thread-spawn` must import it as
//! `(ptr) -> i32`, declare `memory shared` and define
//! `pub fn @wasi_thread_start(%tid: i32, %arg: ptr)`; a compilation unit
//! may leave the definition to another one (the rest is checked in it too).
//! Each error is at the offending item: the import, or `@wasi_thread_start` itself. A module
//! without the import is not concerned.
//!
//! Only the runtime calls `@wasi_thread_start`: its entry moves the running
//! thread's shadow stack to the thread block it is given, which would
//! pull the stack from under a caller (and an inlined copy would not do
//! it), so a call to it or its address (`func.addr`, a `ptr` global or
//! data item) is an error there.

use super::Verifier;
use crate::ir::threads::{
    SPAWN_MODULE, SPAWN_NAME, THREAD_START, is_spawn, spawn_signature, thread_start_signature,
};
use crate::ir::{DataItem, GlobalInit, Linkage, Op};

impl Verifier<'_> {
    /// The checks a compilation unit can pass: `thread-spawn`'s signature,
    /// `memory shared`, and `@wasi_thread_start`'s when it is defined here.
    pub(super) fn check_threads(&mut self) {
        let module = self.module;
        let Some(first) = module.thread_spawn_import() else {
            return;
        };
        let spawn = spawn_signature();
        for func in module.funcs.iter().filter(|f| is_spawn(&f.linkage)) {
            if func.sig != spawn {
                self.error(
                    format!(
                        "`@{}` imports `{SPAWN_MODULE}`.`{SPAWN_NAME}`, which must be `{}`, \
                         not `{}`",
                        func.name, spawn, func.sig
                    ),
                    func.span,
                );
            }
        }
        let import = module.func(first);
        if !module.shared_memory {
            self.error(
                format!(
                    "`@{}` imports `{SPAWN_MODULE}`.`{SPAWN_NAME}`: a threads program must \
                     declare `memory shared`",
                    import.name
                ),
                import.span,
            );
        }
        self.check_thread_start();
        self.check_no_call_of_thread_start();
    }

    /// What only a whole program can pass (`verify_module`, not a unit,
    /// which may leave it to another): `@wasi_thread_start` is defined.
    pub(super) fn check_thread_start_defined(&mut self) {
        let module = self.module;
        let Some(first) = module.thread_spawn_import() else {
            return;
        };
        if module.thread_start().is_none() {
            let import = module.func(first);
            self.error(
                format!(
                    "`@{}` imports `{SPAWN_MODULE}`.`{SPAWN_NAME}`: a threads program \
                     must define `pub fn @{THREAD_START}(%tid: i32, %arg: ptr)`",
                    import.name
                ),
                import.span,
            );
        }
    }

    /// `@wasi_thread_start`, when defined, is public and `(i32, ptr)`.
    fn check_thread_start(&mut self) {
        let module = self.module;
        let Some(start) = module.thread_start() else {
            return;
        };
        let start = module.func(start);
        if start.sig != thread_start_signature() || start.linkage != Linkage::Public {
            let found = match start.linkage {
                Linkage::Public => format!("pub fn `{}`", start.sig),
                _ => format!("private fn `{}`", start.sig),
            };
            self.error(
                format!(
                    "`@{THREAD_START}` of a threads program must be `pub fn \
                     @{THREAD_START}(%tid: i32, %arg: ptr)` with no result, not a {found}"
                ),
                start.span,
            );
        }
    }

    /// No `call`, `func.addr`, global or data item names `@wasi_thread_start`.
    fn check_no_call_of_thread_start(&mut self) {
        let module = self.module;
        let Some(start) = module.thread_start() else {
            return;
        };
        let message = format!(
            "only the runtime calls `@{THREAD_START}` of a threads program (its entry \
             moves the thread's stack): no call to it, nor its address"
        );
        let insts = module
            .funcs
            .iter()
            .flat_map(|f| &f.blocks)
            .flat_map(|b| &b.insts);
        for inst in insts {
            if matches!(inst.op, Op::Call { func, .. } | Op::FuncAddr(func) if func == start) {
                self.error(message.clone(), inst.span);
            }
        }
        for global in &module.globals {
            if global.init == GlobalInit::FuncAddr(start) {
                self.error(message.clone(), global.span);
            }
        }
        for data in &module.data {
            if data.items.contains(&DataItem::FuncAddr(start)) {
                self.error(message.clone(), data.span);
            }
        }
    }
}
