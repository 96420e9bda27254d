//! The verifier's checks of a threads program ([`crate::ir::threads`]): a
//! module that imports `wasi`.`thread-spawn` must import it as
//! `(ptr) -> i32`, declare `memory shared` and define
//! `pub fn @wasi_thread_start(%tid: i32, %arg: ptr)`. Each error is at the
//! offending item: the import, or `@wasi_thread_start` itself. A module
//! without the import is not concerned.

use super::Verifier;
use crate::ir::Linkage;
use crate::ir::threads::{
    SPAWN_MODULE, SPAWN_NAME, THREAD_START, is_spawn, spawn_signature, thread_start_signature,
};

impl Verifier<'_> {
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
        self.check_thread_start(&import.name, import.span);
    }

    /// `@wasi_thread_start` is defined, public, `(i32, ptr)`.
    fn check_thread_start(&mut self, import: &str, import_span: crate::diag::Span) {
        let module = self.module;
        let expected = thread_start_signature();
        let Some(start) = module.thread_start() else {
            self.error(
                format!(
                    "`@{import}` imports `{SPAWN_MODULE}`.`{SPAWN_NAME}`: a threads program \
                     must define `pub fn @{THREAD_START}(%tid: i32, %arg: ptr)`"
                ),
                import_span,
            );
            return;
        };
        let start = module.func(start);
        if start.sig != expected || start.linkage != Linkage::Public {
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
}
