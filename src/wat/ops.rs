//! The typed operators of the WAT AST's numeric, load and store
//! instructions, and their mnemonics.
//!
//! Every operator here exists for every type its instruction allows
//! (`IntBinOp` on `i32` and `i64`, `FloatUnOp` on `f32` and `f64`...), so
//! an instruction that the AST can hold is one that WebAssembly has: there
//! is no `f32.clz` to write, and nothing for the printer or the encoder to
//! reject. This module is the one place where their text is written;
//! [`Instr::mnemonic`](super::Instr::mnemonic) gives it for every
//! instruction.

use super::ValType;

/// An integer value type: the type of `IntBinary`, `IntUnary`... and of
/// the pointers of a target (i64 on wasm64, i32 on wasm32).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntType {
    I32,
    I64,
}

/// A floating-point value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatType {
    F32,
    F64,
}

impl From<IntType> for ValType {
    fn from(ty: IntType) -> ValType {
        match ty {
            IntType::I32 => ValType::I32,
            IntType::I64 => ValType::I64,
        }
    }
}

impl From<FloatType> for ValType {
    fn from(ty: FloatType) -> ValType {
        match ty {
            FloatType::F32 => ValType::F32,
            FloatType::F64 => ValType::F64,
        }
    }
}

/// Operators that exist on both types of a family, each with its two
/// mnemonics (`i32.` or `i64.`, `f32.` or `f64.`, then the name).
macro_rules! typed_ops {
    ($(#[$doc:meta])* $name:ident on $ty:ident($a:ident $pa:literal, $b:ident $pb:literal) {
        $($variant:ident = $text:literal,)*
    }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The full mnemonic of this operator on `ty`.
            pub fn mnemonic(self, ty: $ty) -> &'static str {
                match (ty, self) {
                    $(
                        ($ty::$a, $name::$variant) => concat!($pa, ".", $text),
                        ($ty::$b, $name::$variant) => concat!($pb, ".", $text),
                    )*
                }
            }
        }
    };
}

typed_ops! {
    /// One integer operand: `i32.clz`, `i64.popcnt`, and `eqz` (whose
    /// result is an i32 on both types).
    IntUnOp on IntType(I32 "i32", I64 "i64") {
        Clz = "clz", Ctz = "ctz", Popcnt = "popcnt", Eqz = "eqz",
    }
}

typed_ops! {
    /// One float operand: `f64.sqrt`, `f32.nearest`.
    FloatUnOp on FloatType(F32 "f32", F64 "f64") {
        Abs = "abs", Neg = "neg", Ceil = "ceil", Floor = "floor", Trunc = "trunc",
        Nearest = "nearest", Sqrt = "sqrt",
    }
}

typed_ops! {
    /// Two integer operands, a result of their type: `i64.add`, `i32.shr_u`.
    IntBinOp on IntType(I32 "i32", I64 "i64") {
        Add = "add", Sub = "sub", Mul = "mul",
        DivS = "div_s", DivU = "div_u", RemS = "rem_s", RemU = "rem_u",
        And = "and", Or = "or", Xor = "xor",
        Shl = "shl", ShrS = "shr_s", ShrU = "shr_u", Rotl = "rotl", Rotr = "rotr",
    }
}

typed_ops! {
    /// Two float operands, a result of their type: `f32.div`, `f64.copysign`.
    FloatBinOp on FloatType(F32 "f32", F64 "f64") {
        Add = "add", Sub = "sub", Mul = "mul", Div = "div",
        Min = "min", Max = "max", Copysign = "copysign",
    }
}

typed_ops! {
    /// Two integer operands, an i32 result that is 0 or 1: `i64.lt_u`.
    IntCmpOp on IntType(I32 "i32", I64 "i64") {
        Eq = "eq", Ne = "ne",
        LtS = "lt_s", LtU = "lt_u", GtS = "gt_s", GtU = "gt_u",
        LeS = "le_s", LeU = "le_u", GeS = "ge_s", GeU = "ge_u",
    }
}

impl IntCmpOp {
    /// The comparison that is true exactly when this one is false
    /// (`lt_s` for `ge_s`). Float comparisons have none: with a NaN
    /// operand both `lt` and `ge` are false.
    pub fn negated(self) -> IntCmpOp {
        use IntCmpOp::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            LtS => GeS,
            GeS => LtS,
            GtS => LeS,
            LeS => GtS,
            LtU => GeU,
            GeU => LtU,
            GtU => LeU,
            LeU => GtU,
        }
    }
}

typed_ops! {
    /// Two float operands, an i32 result that is 0 or 1: `f64.le`.
    FloatCmpOp on FloatType(F32 "f32", F64 "f64") {
        Eq = "eq", Ne = "ne", Lt = "lt", Gt = "gt", Le = "le", Ge = "ge",
    }
}

/// Sign-extension of the low bits of an integer, in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignExtend {
    /// `i32.extend8_s`
    I32From8,
    /// `i32.extend16_s`
    I32From16,
    /// `i64.extend8_s`
    I64From8,
    /// `i64.extend16_s`
    I64From16,
    /// `i64.extend32_s`
    I64From32,
}

impl SignExtend {
    pub const ALL: &'static [SignExtend] = &[
        SignExtend::I32From8,
        SignExtend::I32From16,
        SignExtend::I64From8,
        SignExtend::I64From16,
        SignExtend::I64From32,
    ];
}

/// A conversion between value types; each variant's fields range over
/// exactly the conversions that WebAssembly has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Conversion {
    /// `i32.wrap_i64`
    Wrap,
    /// `i64.extend_i32_s`, `i64.extend_i32_u`
    Extend { signed: bool },
    /// `i32.extend8_s` ... `i64.extend32_s`
    SignExtend(SignExtend),
    /// `i32.trunc_f64_s`, and with `saturating` `i64.trunc_sat_f32_u`.
    Trunc {
        to: IntType,
        from: FloatType,
        signed: bool,
        saturating: bool,
    },
    /// `f64.convert_i32_u`
    Convert {
        to: FloatType,
        from: IntType,
        signed: bool,
    },
    /// `f32.demote_f64`
    Demote,
    /// `f64.promote_f32`
    Promote,
    /// The bits of an i32 as an f32 and back, or of an i64 as an f64:
    /// `f32.reinterpret_i32`, `i64.reinterpret_f64`. `to` is the result's
    /// type; the operand's is the other one of the same width.
    Reinterpret { to: ValType },
}

impl Conversion {
    /// Every conversion, for tests.
    pub fn all() -> Vec<Conversion> {
        use Conversion::*;
        let mut all = vec![Wrap, Extend { signed: true }, Extend { signed: false }];
        all.extend(self::SignExtend::ALL.iter().map(|&s| SignExtend(s)));
        for int in [IntType::I32, IntType::I64] {
            for float in [FloatType::F32, FloatType::F64] {
                for signed in [true, false] {
                    for saturating in [false, true] {
                        all.push(Trunc {
                            to: int,
                            from: float,
                            signed,
                            saturating,
                        });
                    }
                    all.push(Convert {
                        to: float,
                        from: int,
                        signed,
                    });
                }
            }
        }
        all.extend([Demote, Promote]);
        for to in [ValType::I32, ValType::I64, ValType::F32, ValType::F64] {
            all.push(Reinterpret { to });
        }
        all
    }

    pub fn mnemonic(self) -> &'static str {
        use Conversion::*;
        use FloatType::{F32, F64};
        use IntType::{I32, I64};
        match self {
            Wrap => "i32.wrap_i64",
            Extend { signed: true } => "i64.extend_i32_s",
            Extend { signed: false } => "i64.extend_i32_u",
            SignExtend(low) => match low {
                self::SignExtend::I32From8 => "i32.extend8_s",
                self::SignExtend::I32From16 => "i32.extend16_s",
                self::SignExtend::I64From8 => "i64.extend8_s",
                self::SignExtend::I64From16 => "i64.extend16_s",
                self::SignExtend::I64From32 => "i64.extend32_s",
            },
            Trunc {
                to,
                from,
                signed,
                saturating: false,
            } => match (to, from, signed) {
                (I32, F32, true) => "i32.trunc_f32_s",
                (I32, F32, false) => "i32.trunc_f32_u",
                (I32, F64, true) => "i32.trunc_f64_s",
                (I32, F64, false) => "i32.trunc_f64_u",
                (I64, F32, true) => "i64.trunc_f32_s",
                (I64, F32, false) => "i64.trunc_f32_u",
                (I64, F64, true) => "i64.trunc_f64_s",
                (I64, F64, false) => "i64.trunc_f64_u",
            },
            Trunc {
                to,
                from,
                signed,
                saturating: true,
            } => match (to, from, signed) {
                (I32, F32, true) => "i32.trunc_sat_f32_s",
                (I32, F32, false) => "i32.trunc_sat_f32_u",
                (I32, F64, true) => "i32.trunc_sat_f64_s",
                (I32, F64, false) => "i32.trunc_sat_f64_u",
                (I64, F32, true) => "i64.trunc_sat_f32_s",
                (I64, F32, false) => "i64.trunc_sat_f32_u",
                (I64, F64, true) => "i64.trunc_sat_f64_s",
                (I64, F64, false) => "i64.trunc_sat_f64_u",
            },
            Convert { to, from, signed } => match (to, from, signed) {
                (F32, I32, true) => "f32.convert_i32_s",
                (F32, I32, false) => "f32.convert_i32_u",
                (F32, I64, true) => "f32.convert_i64_s",
                (F32, I64, false) => "f32.convert_i64_u",
                (F64, I32, true) => "f64.convert_i32_s",
                (F64, I32, false) => "f64.convert_i32_u",
                (F64, I64, true) => "f64.convert_i64_s",
                (F64, I64, false) => "f64.convert_i64_u",
            },
            Demote => "f32.demote_f64",
            Promote => "f64.promote_f32",
            Reinterpret { to } => match to {
                ValType::I32 => "i32.reinterpret_f32",
                ValType::I64 => "i64.reinterpret_f64",
                ValType::F32 => "f32.reinterpret_i32",
                ValType::F64 => "f64.reinterpret_i64",
            },
        }
    }
}

/// Defines a kind of memory access: each variant with its mnemonic and its
/// natural alignment in bytes (the access's width).
macro_rules! access_kinds {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal $bytes:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $(#[doc = concat!("`", $text, "`")] $variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn mnemonic(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            /// The natural alignment: the bytes of memory accessed.
            pub fn natural_align(self) -> Align {
                match self { $($name::$variant => Align::from_bytes($bytes),)* }
            }
        }
    };
}

access_kinds! {
    /// What a load reads: the full width of a type, or 8, 16 or 32 bits
    /// extended to an integer (`_s` sign-extends, `_u` zero-extends).
    LoadKind {
        I32 = "i32.load" 4, I64 = "i64.load" 8, F32 = "f32.load" 4, F64 = "f64.load" 8,
        I32_8S = "i32.load8_s" 1, I32_8U = "i32.load8_u" 1,
        I32_16S = "i32.load16_s" 2, I32_16U = "i32.load16_u" 2,
        I64_8S = "i64.load8_s" 1, I64_8U = "i64.load8_u" 1,
        I64_16S = "i64.load16_s" 2, I64_16U = "i64.load16_u" 2,
        I64_32S = "i64.load32_s" 4, I64_32U = "i64.load32_u" 4,
    }
}

access_kinds! {
    /// What a store writes: the full width of a type, or the low 8, 16 or
    /// 32 bits of an integer.
    StoreKind {
        I32 = "i32.store" 4, I64 = "i64.store" 8, F32 = "f32.store" 4, F64 = "f64.store" 8,
        I32_8 = "i32.store8" 1, I32_16 = "i32.store16" 2,
        I64_8 = "i64.store8" 1, I64_16 = "i64.store16" 2, I64_32 = "i64.store32" 4,
    }
}

/// An alignment hint, in bytes: 1, 2, 4 or 8 (`align=4`), up to the widest
/// access's natural alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Align {
    B1,
    B2,
    B4,
    B8,
}

impl Align {
    /// The alignment of `bytes`, which must be 1, 2, 4 or 8.
    const fn from_bytes(bytes: u32) -> Align {
        match bytes {
            1 => Align::B1,
            2 => Align::B2,
            4 => Align::B4,
            8 => Align::B8,
            _ => panic!("not an alignment"),
        }
    }

    pub fn bytes(self) -> u32 {
        1 << self.log2()
    }

    /// Its base-2 logarithm, which is what the binary format holds.
    pub fn log2(self) -> u32 {
        match self {
            Align::B1 => 0,
            Align::B2 => 1,
            Align::B4 => 2,
            Align::B8 => 3,
        }
    }
}

/// The immediates of a load or store: `i64.load $scratch offset=8 align=4`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MemArg {
    /// The memory, when it is not memory 0 (multi-memory).
    pub memory: Option<String>,
    /// Bytes added to the address operand.
    pub offset: u64,
    /// `None` for the access's natural alignment; a `Some` is printed only
    /// when it differs from the natural one.
    pub align: Option<Align>,
}

impl MemArg {
    /// An access to memory 0 at `offset`, naturally aligned.
    pub fn at(offset: u64) -> MemArg {
        MemArg {
            memory: None,
            offset,
            align: None,
        }
    }
}
