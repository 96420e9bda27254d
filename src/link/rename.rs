//! Names in the linked module: all module symbols share one namespace there.
//!
//! Public symbols and imports keep their names: other units and the host
//! know them by those. A private symbol keeps its name too, unless another
//! symbol of the linked module has the same one; then it becomes
//! `<unit>.<name>`, where `<unit>` is its file's stem (`a.vir`'s `@helper`
//! becomes `@a.helper`). Every private symbol sharing a name is renamed,
//! not just the second, so that a name says where it comes from whatever
//! the order of the inputs. The plan depends only on the units, in order,
//! never on which symbols `--gc` later removes.

use super::symbols::{Item, Resolution, Role, Site, symbols_of, valid_name};
use crate::ir::Module;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) struct Names {
    /// The name of every definition in the linked module.
    pub defs: BTreeMap<Site, String>,
    /// The name of each import, by index.
    pub imports: Vec<String>,
    /// Private symbols that were renamed: the site, its old and new name.
    pub renamed: Vec<(Site, String, String)>,
}

pub(crate) fn plan(units: &[Module], res: &Resolution) -> Names {
    let prefixes = unit_prefixes(units);
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    let mut defs = BTreeMap::new();
    let mut privates = Vec::new();
    for (u, m) in units.iter().enumerate() {
        for s in symbols_of(u, m) {
            match s.role {
                Role::Public => {
                    defs.insert(s.site, s.name.to_string());
                }
                Role::Private => privates.push((s.site, s.name)),
                Role::Extern => continue,
            }
            *count.entry(s.name).or_default() += 1;
        }
    }
    let imports: Vec<String> = res.imports.iter().map(|i| i.name.clone()).collect();
    for name in &imports {
        *count.entry(name).or_default() += 1;
    }
    let mut taken: BTreeSet<String> = count.keys().map(|n| n.to_string()).collect();
    let mut renamed = Vec::new();
    for (site, name) in privates {
        if valid_name(name) && count.get(name) == Some(&1) {
            defs.insert(site, name.to_string());
            continue;
        }
        let base = match valid_name(name) {
            true => name.to_string(),
            false => fallback(site.item),
        };
        let new = fresh(&mut taken, &format!("{}.{base}", prefixes[site.unit]));
        renamed.push((site, name.to_string(), new.clone()));
        defs.insert(site, new);
    }
    Names {
        defs,
        imports,
        renamed,
    }
}

/// The printer's name for an entity built in memory with an invalid name.
fn fallback(item: Item) -> String {
    match item {
        Item::Func(f) => format!("func{}", f.0),
        Item::Global(g) => format!("global{}", g.0),
        Item::Data(d) => format!("data{}", d.0),
    }
}

/// `base`, or `base_1`, `base_2`, ... if taken; the result is taken.
fn fresh(taken: &mut BTreeSet<String>, base: &str) -> String {
    let mut candidate = base.to_string();
    let mut suffix = 0;
    while !taken.insert(candidate.clone()) {
        suffix += 1;
        candidate = format!("{base}_{suffix}");
    }
    candidate
}

/// Each unit's prefix: its file stem made a name (`my-mod.vir` gives
/// `my_mod`), `unit<N>` without a file, and unique (`a`, `a_1`).
pub(crate) fn unit_prefixes(units: &[Module]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    (units.iter().enumerate())
        .map(|(index, m)| {
            let stem = m
                .source
                .as_ref()
                .and_then(|s| std::path::Path::new(&s.name).file_stem()?.to_str())
                .map(|stem| -> String {
                    let clean = |c: char| if c.is_ascii_alphanumeric() { c } else { '_' };
                    stem.chars().map(clean).collect()
                })
                .filter(|stem| !stem.is_empty())
                .unwrap_or_else(|| format!("unit{index}"));
            fresh(&mut taken, &stem)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_names_take_suffixes_in_order() {
        let mut taken = BTreeSet::from(["a.f".to_string()]);
        assert_eq!(fresh(&mut taken, "a.f"), "a.f_1");
        assert_eq!(fresh(&mut taken, "a.f"), "a.f_2");
        assert_eq!(fresh(&mut taken, "b.f"), "b.f");
    }

    #[test]
    fn unit_prefixes_are_clean_stems_and_unique() {
        let unit = |name: &str| Module {
            source: Some(crate::diag::SourceFile::new(name, "")),
            ..Module::default()
        };
        let units = [
            unit("x/a.vir"),
            unit("y/a.vir"),
            unit("my-mod.v1.vir"),
            Module::default(),
        ];
        assert_eq!(unit_prefixes(&units), ["a", "a_1", "my_mod_v1", "unit3"]);
    }
}
