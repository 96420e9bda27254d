//! Symbol resolution: which definition each extern declaration stands for.
//!
//! Every module-level name of a unit is a symbol with a role:
//! - public (`pub fn`, `pub global`, `pub data`): defined for every unit.
//!   Public symbols share one namespace across units, so a second public
//!   definition of a name is an error, whatever the kinds;
//! - private (`fn`, `global`, `data`): seen only by its own unit; it never
//!   resolves anything, and [`rename`](super::rename) keeps it apart;
//! - extern (`extern fn`, `extern global`, `extern data`): resolved by name
//!   against the public definitions. The declaration must say exactly what
//!   the definition is: the same kind, signature, type and mutability.
//!
//! An extern function that nothing defines becomes one wasm import shared by
//! all its declarations (which must then agree, import names included),
//! unless `--no-undefined` makes it an error. Extern data and globals must
//! always be defined: a data address has no wasm import to stand for it.

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::ir::{DataId, FuncId, GlobalId, Linkage, Module, Visibility};
use std::collections::BTreeMap;

/// A module-level entity of a unit, by its id in that unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Item {
    Global(GlobalId),
    Data(DataId),
    Func(FuncId),
}

/// An entity of one unit: where a symbol is defined or declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Site {
    pub unit: usize,
    pub item: Item,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Public,
    Private,
    Extern,
}

/// One module-level name of one unit.
pub(crate) struct Symbol<'m> {
    pub site: Site,
    pub name: &'m str,
    pub role: Role,
}

/// Every symbol of a unit: globals, data, then functions, in module order.
pub(crate) fn symbols_of(unit: usize, m: &Module) -> Vec<Symbol<'_>> {
    let role = |vis: Visibility| match vis {
        Visibility::Public => Role::Public,
        Visibility::Private => Role::Private,
        Visibility::Extern => Role::Extern,
    };
    let globals = m.globals.iter().enumerate().map(|(i, g)| {
        let id = GlobalId(i as u32);
        (Item::Global(id), g.name.as_str(), role(m.global_vis(id)))
    });
    let data = m.data.iter().enumerate().map(|(i, d)| {
        let id = DataId(i as u32);
        (Item::Data(id), d.name.as_str(), role(m.data_vis(id)))
    });
    let funcs = m.funcs.iter().enumerate().map(|(i, f)| {
        let role = match f.linkage {
            Linkage::Public => Role::Public,
            Linkage::Private => Role::Private,
            Linkage::Import { .. } => Role::Extern,
        };
        (Item::Func(FuncId(i as u32)), f.name.as_str(), role)
    });
    globals
        .chain(data)
        .chain(funcs)
        .map(|(item, name, role)| Symbol {
            site: Site { unit, item },
            name,
            role,
        })
        .collect()
}

/// What a declaration resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// A public definition.
    Def(Site),
    /// The n-th import of the linked module.
    Import(usize),
}

/// A symbol declared but defined by no unit: its declarations, first first.
pub(crate) struct Undefined {
    pub name: String,
    pub decls: Vec<Site>,
}

pub(crate) struct Resolution {
    /// What each declaration stands for.
    pub targets: BTreeMap<Site, Target>,
    /// Extern functions that become wasm imports, in order of first declaration.
    pub imports: Vec<Undefined>,
    /// Public definitions by name.
    pub public: BTreeMap<String, Site>,
}

/// Resolves every declaration of every unit; reports all the errors.
pub(crate) fn resolve(units: &[Module], no_undefined: bool) -> Result<Resolution, Diagnostics> {
    let mut r = Resolver {
        units,
        errors: Vec::new(),
    };
    let symbols: Vec<Symbol> = (units.iter().enumerate())
        .flat_map(|(u, m)| symbols_of(u, m))
        .collect();
    let public = r.public_definitions(&symbols);
    let (targets, undefined) = r.declarations(&symbols, &public);
    let imports = r.undefined(undefined, &symbols, no_undefined);
    if !r.errors.is_empty() {
        r.errors.sort_by_key(|(site, d)| (site.unit, d.span.start));
        return Err(r.errors.into_iter().map(|(_, d)| d).collect());
    }
    let targets = assign_imports(targets, &imports);
    let public = public
        .into_iter()
        .map(|(n, s)| (n.to_string(), s))
        .collect();
    Ok(Resolution {
        targets,
        imports,
        public,
    })
}

/// Points the declarations of each import at its index.
fn assign_imports(
    mut targets: BTreeMap<Site, Target>,
    imports: &[Undefined],
) -> BTreeMap<Site, Target> {
    for (index, import) in imports.iter().enumerate() {
        for site in &import.decls {
            targets.insert(*site, Target::Import(index));
        }
    }
    targets
}

/// Whether a name can be a symbol (`@name`) in the text format.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// What a declaration must agree with: `fn(i32) -> i32`, `global mut i64`, `data`.
pub(crate) fn shape(m: &Module, item: Item) -> String {
    match item {
        Item::Func(f) => format!("fn{}", m.func(f).sig),
        Item::Global(g) => {
            let g = m.global(g);
            let mutable = if g.mutable { "mut " } else { "" };
            format!("global {mutable}{}", g.ty)
        }
        Item::Data(_) => "data".into(),
    }
}

/// The shape of an undefined declaration, with the import it would become.
fn import_shape(m: &Module, item: Item) -> String {
    match item {
        Item::Func(f) => match &m.func(f).linkage {
            Linkage::Import { module, name } => {
                format!("{} from {module:?} {name:?}", shape(m, item))
            }
            _ => shape(m, item),
        },
        _ => shape(m, item),
    }
}

/// The text a definition of `item` would start with: `pub fn @x`.
fn definition_of(item: Item, name: &str) -> String {
    let kind = match item {
        Item::Func(_) => "fn",
        Item::Global(_) => "global",
        Item::Data(_) => "data",
    };
    format!("pub {kind} @{name}")
}

struct Resolver<'u> {
    units: &'u [Module],
    /// Each error with where it is, to report them in input order.
    errors: Vec<(Site, Diagnostic)>,
}

type Undeclared<'s> = BTreeMap<&'s str, Vec<Site>>;

impl<'u> Resolver<'u> {
    fn span(&self, site: Site) -> Span {
        let m = &self.units[site.unit];
        match site.item {
            Item::Func(f) => m.func(f).span,
            Item::Global(g) => m.global(g).span,
            Item::Data(d) => m.data_def(d).span,
        }
    }

    /// An error at `site`, in its unit's file; [`Resolver::push`] records it.
    fn error_at(&self, message: String, site: Site) -> Diagnostic {
        let file = self.units[site.unit].source.as_ref();
        Diagnostic::new(message, self.span(site)).with_file(file)
    }

    fn push(&mut self, site: Site, d: Diagnostic) {
        self.errors.push((site, d));
    }

    fn note_at(&self, d: Diagnostic, message: String, site: Site) -> Diagnostic {
        let file = self.units[site.unit].source.as_ref();
        d.with_note_in(message, self.span(site), file)
    }

    /// Public definitions by name; a second one of a name is an error.
    fn public_definitions<'s>(&mut self, symbols: &'s [Symbol]) -> BTreeMap<&'s str, Site> {
        let mut public: BTreeMap<&str, Site> = BTreeMap::new();
        for s in symbols.iter().filter(|s| s.role != Role::Private) {
            if !valid_name(s.name) {
                let message = format!("`@{}` is not a valid symbol name to link by", s.name);
                self.push(s.site, self.error_at(message, s.site));
                continue;
            }
            if s.role != Role::Public {
                continue;
            }
            if let Some(&first) = public.get(s.name) {
                let d = self.error_at(format!("duplicate definition of @{}", s.name), s.site);
                let d = self.note_at(d, format!("@{} is first defined here", s.name), first);
                self.push(s.site, d);
            } else {
                public.insert(s.name, s.site);
            }
        }
        public
    }

    /// Resolves declarations against public definitions; the others are
    /// returned by name, each with its declarations in order of appearance.
    fn declarations<'s>(
        &mut self,
        symbols: &'s [Symbol],
        public: &BTreeMap<&str, Site>,
    ) -> (BTreeMap<Site, Target>, Undeclared<'s>) {
        let mut targets = BTreeMap::new();
        let mut undefined: Undeclared = BTreeMap::new();
        for s in symbols.iter().filter(|s| s.role == Role::Extern) {
            match public.get(s.name) {
                Some(&def) => {
                    self.check_definition(s, def);
                    targets.insert(s.site, Target::Def(def));
                }
                None => undefined.entry(s.name).or_default().push(s.site),
            }
        }
        (targets, undefined)
    }

    fn check_definition(&mut self, decl: &Symbol, def: Site) {
        let declared = shape(&self.units[decl.site.unit], decl.site.item);
        let defined = shape(&self.units[def.unit], def.item);
        if declared == defined {
            return;
        }
        let message = format!(
            "declaration of @{} does not match its definition: declared `{declared}`, defined `{defined}`",
            decl.name
        );
        let d = self.error_at(message, decl.site);
        let d = self.note_at(d, format!("@{} is defined here", decl.name), def);
        self.push(decl.site, d);
    }

    /// Undefined symbols: imports for functions, else errors. Imports are
    /// ordered by their first declaration.
    fn undefined(
        &mut self,
        undefined: Undeclared,
        symbols: &[Symbol],
        no_undefined: bool,
    ) -> Vec<Undefined> {
        let mut imports = Vec::new();
        for (name, decls) in undefined {
            if !self.declarations_agree(name, &decls) {
                continue;
            }
            let is_func = matches!(decls[0].item, Item::Func(_));
            if is_func && !no_undefined {
                imports.push(Undefined {
                    name: name.to_string(),
                    decls,
                });
            } else {
                self.undefined_error(name, &decls, symbols);
            }
        }
        imports.sort_by_key(|i| i.decls[0]);
        imports
    }

    /// Declarations of an undefined symbol must agree with the first one.
    fn declarations_agree(&mut self, name: &str, decls: &[Site]) -> bool {
        let shape_of = |s: Site| import_shape(&self.units[s.unit], s.item);
        let first = shape_of(decls[0]);
        let mut agree = true;
        for &other in &decls[1..] {
            let this = shape_of(other);
            if this != first {
                let message = format!(
                    "declarations of @{name} disagree: this one is `{this}`, the first is `{first}`"
                );
                let d = self.error_at(message, other);
                let d = self.note_at(d, format!("@{name} is first declared here"), decls[0]);
                self.push(other, d);
                agree = false;
            }
        }
        agree
    }

    fn undefined_error(&mut self, name: &str, decls: &[Site], symbols: &[Symbol]) {
        let wanted = definition_of(decls[0].item, name);
        let message = format!("undefined symbol @{name}: no linked module defines `{wanted}`");
        let mut d = self.error_at(message, decls[0]);
        for &other in &decls[1..] {
            d = self.note_at(d, format!("@{name} is also declared here"), other);
        }
        let private = symbols
            .iter()
            .filter(|s| s.role == Role::Private && s.name == name);
        for s in private {
            let hint = format!("a private @{name} is defined here: make it `pub` to link to it");
            d = self.note_at(d, hint, s.site);
        }
        self.push(decls[0], d);
    }
}
