//! Operators of the Vitte IR and their text mnemonics.
//!
//! Mnemonics follow WebAssembly's: `i32.add`, `i64.load8_s`, `f64.convert_i32_u`.
//! The type prefix is part of the operator, so every instruction's result type
//! is known from its text alone. `ptr` is accepted wherever an integer type is,
//! and stands for i64 or i32 depending on the target. One table per family
//! maps operators to names, so parser, printer and lowering cannot disagree.

use super::Op;
use super::types::Type;

macro_rules! named_ops {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The mnemonic without its type prefix, as in wasm (`div_s`).
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            pub fn from_name(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|op| op.name() == name)
            }
        }
    };
}

named_ops! {
    /// Two operands of one type, a result of that type.
    BinaryOp {
        Add = "add", Sub = "sub", Mul = "mul",
        DivS = "div_s", DivU = "div_u", RemS = "rem_s", RemU = "rem_u",
        And = "and", Or = "or", Xor = "xor",
        Shl = "shl", ShrS = "shr_s", ShrU = "shr_u", Rotl = "rotl", Rotr = "rotr",
        Div = "div", Min = "min", Max = "max", Copysign = "copysign",
    }
}

impl BinaryOp {
    /// Whether `ty.<op>` exists.
    pub fn accepts(self, ty: Type) -> bool {
        use BinaryOp::*;
        match self {
            Add | Sub | Mul => true,
            Div | Min | Max | Copysign => ty.is_float(),
            _ => ty.is_int(),
        }
    }
}

named_ops! {
    /// One operand. `eqz` gives an i32; the others give the operand's type.
    UnaryOp {
        Clz = "clz", Ctz = "ctz", Popcnt = "popcnt", Eqz = "eqz",
        Abs = "abs", Neg = "neg", Sqrt = "sqrt",
        Ceil = "ceil", Floor = "floor", Trunc = "trunc", Nearest = "nearest",
    }
}

impl UnaryOp {
    pub fn accepts(self, ty: Type) -> bool {
        use UnaryOp::*;
        match self {
            Clz | Ctz | Popcnt | Eqz => ty.is_int(),
            _ => ty.is_float(),
        }
    }

    pub fn result_type(self, operand: Type) -> Type {
        if self == UnaryOp::Eqz {
            Type::I32
        } else {
            operand
        }
    }
}

named_ops! {
    /// Two operands of one type; the result is an i32 that is 0 or 1.
    CmpOp {
        Eq = "eq", Ne = "ne",
        LtS = "lt_s", LtU = "lt_u", GtS = "gt_s", GtU = "gt_u",
        LeS = "le_s", LeU = "le_u", GeS = "ge_s", GeU = "ge_u",
        Lt = "lt", Gt = "gt", Le = "le", Ge = "ge",
    }
}

impl CmpOp {
    pub fn accepts(self, ty: Type) -> bool {
        use CmpOp::*;
        match self {
            Eq | Ne => true,
            Lt | Gt | Le | Ge => ty.is_float(),
            _ => ty.is_int(),
        }
    }
}

/// How a conversion changes its operand; see [`ConvOp`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConvKind {
    Wrap,
    ExtendS,
    ExtendU,
    /// Sign-extend the low 8, 16 or 32 bits in place (`i64.extend8_s`).
    ExtendLowS(u8),
    TruncS,
    TruncU,
    TruncSatS,
    TruncSatU,
    ConvertS,
    ConvertU,
    Demote,
    Promote,
    Reinterpret,
}

/// A conversion from one type to another, named `<to>.<kind>_<from>[_s|_u]`
/// as in wasm (`i64.extend_i32_u`, `f32.demote_f64`, `i32.trunc_sat_f64_s`).
///
/// With `ptr` the same names give target-independent pointer conversions:
/// `ptr.extend_i32_u`, `ptr.wrap_i64`, `i32.wrap_ptr`, `i64.extend_ptr_u`
/// (each is a no-op on the target where the widths agree).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConvOp {
    pub kind: ConvKind,
    pub from: Type,
    pub to: Type,
}

impl ConvOp {
    /// Every conversion the IR has.
    pub fn all() -> Vec<ConvOp> {
        use ConvKind::*;
        use Type::*;
        let mut all = Vec::new();
        let mut add = |kind, from, to| all.push(ConvOp { kind, from, to });
        for (from, to) in [(I64, I32), (I64, Ptr), (Ptr, I32)] {
            add(Wrap, from, to);
        }
        for (from, to) in [(I32, I64), (I32, Ptr), (Ptr, I64)] {
            add(ExtendS, from, to);
            add(ExtendU, from, to);
        }
        for (bits, ty) in [(8, I32), (16, I32), (8, I64), (16, I64), (32, I64)] {
            add(ExtendLowS(bits), ty, ty);
        }
        for float in [F32, F64] {
            for int in [I32, I64] {
                for kind in [TruncS, TruncU, TruncSatS, TruncSatU] {
                    add(kind, float, int);
                }
                add(ConvertS, int, float);
                add(ConvertU, int, float);
            }
        }
        add(Demote, F64, F32);
        add(Promote, F32, F64);
        for (a, b) in [(F32, I32), (F64, I64)] {
            add(Reinterpret, a, b);
            add(Reinterpret, b, a);
        }
        all
    }

    /// The full mnemonic, type prefix included.
    pub fn mnemonic(self) -> String {
        use ConvKind::*;
        let (stem, sign) = match self.kind {
            Wrap => ("wrap", ""),
            ExtendS => ("extend", "_s"),
            ExtendU => ("extend", "_u"),
            ExtendLowS(bits) => return format!("{}.extend{bits}_s", self.to),
            TruncS => ("trunc", "_s"),
            TruncU => ("trunc", "_u"),
            TruncSatS => ("trunc_sat", "_s"),
            TruncSatU => ("trunc_sat", "_u"),
            ConvertS => ("convert", "_s"),
            ConvertU => ("convert", "_u"),
            Demote => ("demote", ""),
            Promote => ("promote", ""),
            Reinterpret => ("reinterpret", ""),
        };
        format!("{}.{stem}_{}{sign}", self.to, self.from)
    }

    pub fn from_mnemonic(text: &str) -> Option<ConvOp> {
        ConvOp::all().into_iter().find(|op| op.mnemonic() == text)
    }
}

/// The shape of a load or store: the value type and how many bytes of memory.
///
/// `bits` is the access width (8, 16, 32 or 64); when it is narrower than the
/// type, a load extends by `signed` (`i64.load8_s`) and a store truncates
/// (`i32.store16`). `ptr` accesses are always of the full pointer width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemAccess {
    pub ty: Type,
    /// `None` for the full width of `ty`.
    pub narrow: Option<Narrow>,
}

/// A narrow memory access: 8, 16 or 32 bits of an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Narrow {
    pub bits: u8,
    /// Sign-extend on load; ignored by stores.
    pub signed: bool,
}

impl MemAccess {
    /// Every load shape, in mnemonic order.
    pub fn loads() -> Vec<MemAccess> {
        Self::shapes(true)
    }

    pub fn stores() -> Vec<MemAccess> {
        Self::shapes(false)
    }

    fn shapes(load: bool) -> Vec<MemAccess> {
        let mut all = Vec::new();
        for ty in Type::ALL {
            all.push(MemAccess { ty, narrow: None });
            let widths: &[u8] = match ty {
                Type::I32 => &[8, 16],
                Type::I64 => &[8, 16, 32],
                _ => &[],
            };
            for &bits in widths {
                let signs: &[bool] = if load { &[true, false] } else { &[false] };
                for &signed in signs {
                    all.push(MemAccess {
                        ty,
                        narrow: Some(Narrow { bits, signed }),
                    });
                }
            }
        }
        all
    }

    /// The shapes an atomic access has: i32, i64 and ptr at full width, and
    /// the narrow integer widths, zero-extending (never signed).
    pub fn atomic_shapes() -> Vec<MemAccess> {
        Self::stores()
            .into_iter()
            .filter(|a| a.ty.is_int())
            .collect()
    }

    pub fn load_mnemonic(self) -> String {
        match self.narrow {
            None => format!("{}.load", self.ty),
            Some(n) => format!(
                "{}.load{}_{}",
                self.ty,
                n.bits,
                if n.signed { 's' } else { 'u' }
            ),
        }
    }

    pub fn store_mnemonic(self) -> String {
        match self.narrow {
            None => format!("{}.store", self.ty),
            Some(n) => format!("{}.store{}", self.ty, n.bits),
        }
    }

    pub fn from_load_mnemonic(text: &str) -> Option<MemAccess> {
        Self::loads()
            .into_iter()
            .find(|a| a.load_mnemonic() == text)
    }

    pub fn from_store_mnemonic(text: &str) -> Option<MemAccess> {
        Self::stores()
            .into_iter()
            .find(|a| a.store_mnemonic() == text)
    }

    /// Bytes of memory touched, for the given pointer width in bytes.
    pub fn bytes(self, pointer_bytes: u32) -> u32 {
        match (self.narrow, self.ty) {
            (Some(n), _) => n.bits as u32 / 8,
            (None, Type::I32 | Type::F32) => 4,
            (None, Type::I64 | Type::F64) => 8,
            (None, Type::Ptr) => pointer_bytes,
        }
    }
}

named_ops! {
    /// The read-modify-write operations of `T.atomic.rmw[N].OP[_u]`: each
    /// stores `old OP value` and gives the old value.
    RmwOp {
        Add = "add", Sub = "sub", And = "and", Or = "or", Xor = "xor", Xchg = "xchg",
    }
}

/// What an [`Op::Atomic`] does with the memory at its address (wasm's
/// threads proposal). The operands after the address are, in order: none
/// (`Load`), the value (`Store`, `Rmw`), the expected and the replacement
/// values (`Cmpxchg`), the expected value and the timeout (`Wait`), the
/// count of waiters to wake (`Notify`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AtomicOp {
    Load,
    Store,
    Rmw(RmwOp),
    Cmpxchg,
    /// `memory.atomic.wait32` / `wait64` (the access's type, i32 or i64).
    Wait,
    /// `memory.atomic.notify`: its access is an i32.
    Notify,
}

impl AtomicOp {
    /// How many operands follow the address.
    pub fn arity(self) -> usize {
        match self {
            AtomicOp::Load => 0,
            AtomicOp::Store | AtomicOp::Rmw(_) | AtomicOp::Notify => 1,
            AtomicOp::Cmpxchg | AtomicOp::Wait => 2,
        }
    }

    /// Every atomic operator with its access shape, in mnemonic order:
    /// loads, stores, read-modify-writes and compare-exchanges of every
    /// integer type and width (narrow ones zero-extend), then wait and
    /// notify.
    pub fn all() -> Vec<(AtomicOp, MemAccess)> {
        let mut ops = vec![AtomicOp::Load, AtomicOp::Store];
        ops.extend(RmwOp::ALL.iter().map(|&op| AtomicOp::Rmw(op)));
        ops.push(AtomicOp::Cmpxchg);
        let mut all = Vec::new();
        for op in ops {
            for access in MemAccess::atomic_shapes() {
                all.push((op, access));
            }
        }
        all.push((AtomicOp::Wait, MemAccess::full(Type::I32)));
        all.push((AtomicOp::Wait, MemAccess::full(Type::I64)));
        all.push((AtomicOp::Notify, MemAccess::full(Type::I32)));
        all
    }

    /// The mnemonic of this operator on `access`, type prefix included
    /// (`i64.atomic.rmw16.add_u`, `memory.atomic.wait32`).
    pub fn mnemonic(self, access: MemAccess) -> String {
        let ty = access.ty;
        let (width, suffix) = match access.narrow {
            Some(n) => (n.bits.to_string(), "_u"),
            None => (String::new(), ""),
        };
        match self {
            AtomicOp::Load => format!("{ty}.atomic.load{width}{suffix}"),
            AtomicOp::Store => format!("{ty}.atomic.store{width}"),
            AtomicOp::Rmw(op) => format!("{ty}.atomic.rmw{width}.{}{suffix}", op.name()),
            AtomicOp::Cmpxchg => format!("{ty}.atomic.rmw{width}.cmpxchg{suffix}"),
            AtomicOp::Wait if ty == Type::I64 => "memory.atomic.wait64".into(),
            AtomicOp::Wait => "memory.atomic.wait32".into(),
            AtomicOp::Notify => "memory.atomic.notify".into(),
        }
    }

    /// The type of the value it gives, if any.
    pub fn result_type(self, access: MemAccess) -> Option<Type> {
        match self {
            AtomicOp::Store => None,
            AtomicOp::Wait | AtomicOp::Notify => Some(Type::I32),
            _ => Some(access.ty),
        }
    }
}

impl Op {
    /// The text mnemonic of an operator, type prefix included (`call` for
    /// every direct call).
    pub fn mnemonic(&self) -> String {
        match self {
            Op::Const(c) => format!("{}.const", c.ty()),
            Op::Unary(op, ty, _) => format!("{ty}.{}", op.name()),
            Op::Binary(op, ty, ..) => format!("{ty}.{}", op.name()),
            Op::Compare(op, ty, ..) => format!("{ty}.{}", op.name()),
            Op::Convert(conv, _) => conv.mnemonic(),
            Op::Select { ty, .. } => format!("{ty}.select"),
            Op::Load { access, .. } => access.load_mnemonic(),
            Op::Store { access, .. } => access.store_mnemonic(),
            Op::SlotAddr(_) => "slot.addr".into(),
            Op::DataAddr(_) => "data.addr".into(),
            Op::FuncAddr(_) => "func.addr".into(),
            Op::MemorySize(_) => "memory.size".into(),
            Op::MemoryGrow(..) => "memory.grow".into(),
            Op::StackAlloc(_) => "stack.alloc".into(),
            Op::StackSave => "stack.save".into(),
            Op::StackRestore(_) => "stack.restore".into(),
            Op::MemoryCopy { .. } => "memory.copy".into(),
            Op::MemoryFill { .. } => "memory.fill".into(),
            Op::Atomic { op, access, .. } => op.mnemonic(*access),
            Op::AtomicFence => "atomic.fence".into(),
            Op::Call { .. } => "call".into(),
            Op::CallIndirect { .. } => "call_indirect".into(),
            Op::GlobalGet(_) => "global.get".into(),
            Op::GlobalSet(..) => "global.set".into(),
            Op::VarGet(_) => "var.get".into(),
            Op::VarSet(..) => "var.set".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_names_round_trip_and_are_unique() {
        let all = ConvOp::all();
        let mut names: Vec<String> = all.iter().map(|op| op.mnemonic()).collect();
        for op in &all {
            assert_eq!(ConvOp::from_mnemonic(&op.mnemonic()), Some(*op));
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len());
        assert!(names.contains(&"i64.extend_i32_u".to_string()));
        assert!(names.contains(&"i32.trunc_sat_f64_s".to_string()));
        assert!(names.contains(&"ptr.wrap_i64".to_string()));
        assert!(names.contains(&"i32.extend8_s".to_string()));
    }

    /// `Op::Atomic` holds its three operands and its offset inline, and
    /// is no larger than the operators there were before it: `Op` stays
    /// 40 bytes (its tag in the niche of `CallIndirect`'s `Vec`).
    #[test]
    fn atomics_do_not_grow_an_instruction() {
        let (op, inst) = (size_of::<Op>(), size_of::<super::super::Inst>());
        eprintln!("size_of Op = {op}, Inst = {inst}");
        assert!(op <= 40, "Op is {op} bytes");
    }

    #[test]
    fn atomic_names_are_wasm_s_and_unique() {
        let names: Vec<String> = AtomicOp::all()
            .iter()
            .map(|(op, a)| op.mnemonic(*a))
            .collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        for name in [
            "i32.atomic.load",
            "i64.atomic.load32_u",
            "ptr.atomic.store",
            "i32.atomic.store8",
            "i64.atomic.rmw16.add_u",
            "i32.atomic.rmw.xchg",
            "i64.atomic.rmw.cmpxchg",
            "i32.atomic.rmw8.cmpxchg_u",
            "memory.atomic.wait64",
            "memory.atomic.notify",
        ] {
            assert!(names.iter().any(|n| n == name), "{name}");
        }
        assert!(
            !names
                .iter()
                .any(|n| n.starts_with("f32") || n.contains("_s"))
        );
    }

    #[test]
    fn memory_access_names_round_trip() {
        for a in MemAccess::loads() {
            assert_eq!(MemAccess::from_load_mnemonic(&a.load_mnemonic()), Some(a));
        }
        for a in MemAccess::stores() {
            assert_eq!(MemAccess::from_store_mnemonic(&a.store_mnemonic()), Some(a));
        }
        assert!(MemAccess::from_load_mnemonic("i64.load32_s").is_some());
        assert!(MemAccess::from_load_mnemonic("ptr.load8_u").is_none());
        assert!(MemAccess::from_store_mnemonic("i32.store32").is_none());
    }
}
