//! Where lowered instructions came from: [`Origin`] markers in a body, and
//! the origin of each operator of the binary they give ([`operator_origins`]).
//!
//! The lowering puts an [`Instr::Origin`] before the code of each IR
//! instruction and terminator. The marker emits nothing: the printer writes
//! it as Binaryen's `;;@ file:line:col` annotation when asked to (`-g`), and
//! only when it differs from the last one written, so the text with or
//! without it assembles to the same bytes. A runtime maps a trap's code
//! offset to the origin of its operator with [`operator_origins`], which
//! walks the body in the binary's order instead of re-reading the text.

use super::Instr;
use crate::ir::Type;
use std::fmt;
use std::sync::Arc;

/// A position in the source of the IR: a file and a 1-based line and
/// column (in characters).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: Arc<str>,
    pub line: u32,
    pub col: u32,
    /// For code an inliner copied from a callee (this the position in the
    /// callee), where it was copied (`ir/inlined.rs`); `None` otherwise.
    pub inlined: Option<Arc<InlinedAt>>,
}

impl Origin {
    /// An origin of code that was not inlined.
    pub fn new(file: Arc<str>, line: u32, col: u32) -> Origin {
        Origin {
            file,
            line,
            col,
            inlined: None,
        }
    }

    /// The copies this origin's code is in, innermost first.
    pub fn inline_chain(&self) -> impl Iterator<Item = &Arc<InlinedAt>> {
        std::iter::successors(self.inlined.as_ref(), |at| at.call.inlined.as_ref())
    }
}

impl Origin {
    /// The text of its `;;@` annotation (`emit -g`), which `asm -g` reads
    /// back: `file:line:col`, then for each copy the code is in, innermost
    /// first, `, @callee#site inlined at file:line:col`.
    pub fn annotation(&self) -> String {
        let mut text = self.to_string();
        for at in self.inline_chain() {
            let (callee, site, call) = (&at.callee, at.site, &at.call);
            text.push_str(&format!(", @{callee}#{site} inlined at {call}"));
        }
        text
    }
}

/// One copy of a callee into a function: the site's number in that
/// function (two copies of one callee are two sites), the callee's IR name
/// without its `@`, and the origin of the call (itself inlined when the
/// call was copied from an inlined function).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InlinedAt {
    pub site: u32,
    pub callee: Arc<str>,
    pub call: Origin,
}

impl fmt::Display for Origin {
    /// `file:line:col`, the position alone (backtraces name the frames).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// The origins of a lowered function, for a runtime's backtraces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncOrigins {
    /// The wasm function's `$id`, which the name section keeps.
    pub wasm_name: String,
    /// The IR function's name, without the `@`.
    pub ir_name: String,
    /// Where the IR function is defined.
    pub def: Option<Origin>,
    /// The origin of each operator of the body in the binary's order, the
    /// final `end` left out: the last marker before it.
    pub operators: Vec<Option<Origin>>,
    /// The IR parameters and variables a debugger can show: each is in one
    /// wasm local for the whole function.
    pub vars: Vec<DebugVar>,
}

/// An IR parameter or variable (`var`) that lives in one wasm local, which
/// holds nothing else, from the function's start to its end: DWARF
/// describes it with a single location. (A local the lowering shares
/// between values is described by none.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebugVar {
    /// A parameter (`%n`) or a variable (`var $x`).
    pub param: bool,
    /// The IR name, without its sigil.
    pub name: String,
    pub ty: Type,
    /// The wasm local's index (the parameters first).
    pub local: u32,
}

impl fmt::Display for DebugVar {
    /// `param %n: i32 = local 0` or `var $x: ptr = local 3`: how `emit -g`
    /// writes it above the function and `asm -g` reads it back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, sigil) = match self.param {
            true => ("param", '%'),
            false => ("var", '$'),
        };
        let (name, ty, local) = (&self.name, self.ty, self.local);
        write!(f, "{kind} {sigil}{name}: {ty} = local {local}")
    }
}

impl DebugVar {
    /// The inverse of `Display`, for `asm -g`.
    pub fn parse(text: &str) -> Option<DebugVar> {
        let (param, rest) = match text.split_once(' ')? {
            ("param", rest) => (true, rest.strip_prefix('%')?),
            ("var", rest) => (false, rest.strip_prefix('$')?),
            _ => return None,
        };
        let (rest, local) = rest.rsplit_once(" = local ")?;
        let (name, ty) = rest.rsplit_once(": ")?;
        Some(DebugVar {
            param,
            name: name.to_string(),
            ty: Type::from_name(ty)?,
            local: local.parse().ok()?,
        })
    }
}

/// The origin of each operator `body` encodes to, in order: one per flat
/// instruction; `block`, `loop` and `if` give their own operator, then
/// their bodies' (with `else` when the else arm is not empty), then `end`.
pub fn operator_origins(body: &[Instr]) -> Vec<Option<Origin>> {
    let mut walk = Walk::default();
    walk.instrs(body);
    walk.operators
}

#[derive(Default)]
struct Walk {
    current: Option<Origin>,
    operators: Vec<Option<Origin>>,
}

impl Walk {
    fn instrs(&mut self, body: &[Instr]) {
        body.iter().for_each(|i| self.instr(i));
    }

    fn operator(&mut self) {
        self.operators.push(self.current.clone());
    }

    fn instr(&mut self, instr: &Instr) {
        match instr {
            Instr::Origin(origin) => self.current = Some(origin.clone()),
            Instr::Comment(_) => {}
            Instr::Block { body, .. } | Instr::Loop { body, .. } => {
                self.operator();
                crate::stack::ensure_stack(|| self.instrs(body));
                self.operator();
            }
            Instr::If {
                then_body,
                else_body,
                ..
            } => {
                self.operator();
                crate::stack::ensure_stack(|| self.instrs(then_body));
                if !else_body.is_empty() {
                    self.operator();
                    crate::stack::ensure_stack(|| self.instrs(else_body));
                }
                self.operator();
            }
            _ => self.operator(),
        }
    }
}
