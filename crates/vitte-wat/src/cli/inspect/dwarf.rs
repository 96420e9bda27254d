//! The DWARF of a binary read alone (`build -g`, `asm -g`, or another
//! producer's): where each function is declared, and the line table, so
//! that `inspect FILE.wasm` locates functions and `--addr` offsets as it
//! does for a `.vir`. Addresses are code-section offsets, as `inspect`'s.

use gimli::{AttributeValue, ColumnType, EndianSlice, LittleEndian, SectionId};
use std::collections::BTreeMap;
use wasmparser::{Parser, Payload};

type Reader<'a> = EndianSlice<'a, LittleEndian>;

/// A source position: file, line, and column (0 when the row has none).
#[derive(Clone, Debug)]
pub struct Position {
    pub file: String,
    pub line: u32,
    pub col: u32,
}

/// What `inspect` uses of the DWARF.
#[derive(Default)]
pub struct DebugInfo {
    /// Each subprogram's declaration, by its `DW_AT_low_pc`.
    pub decls: BTreeMap<u64, Position>,
    /// The line table's sequences: the rows, by address, and the end.
    sequences: Vec<(Vec<(u64, Position)>, u64)>,
}

impl DebugInfo {
    /// The DWARF of `wasm`; `None` when it has no `.debug_info` section.
    pub fn read(wasm: &[u8]) -> Result<Option<DebugInfo>, String> {
        let mut sections = BTreeMap::new();
        for payload in Parser::new(0).parse_all(wasm) {
            if let Payload::CustomSection(c) = payload.map_err(|e| e.to_string())? {
                sections.insert(c.name(), c.data());
            }
        }
        if !sections.contains_key(".debug_info") {
            return Ok(None);
        }
        let section = |id: SectionId| -> Result<_, gimli::Error> {
            let data = sections.get(id.name()).copied().unwrap_or(&[]);
            Ok(EndianSlice::new(data, LittleEndian))
        };
        let dwarf = gimli::Dwarf::load(section).map_err(|e| e.to_string())?;
        let mut info = DebugInfo::default();
        info.units(&dwarf).map_err(|e| e.to_string())?;
        info.sequences
            .sort_by_key(|(rows, _)| rows.first().map(|r| r.0));
        Ok(Some(info))
    }

    fn units(&mut self, dwarf: &gimli::Dwarf<Reader<'_>>) -> gimli::Result<()> {
        let mut units = dwarf.units();
        while let Some(header) = units.next()? {
            let unit = dwarf.unit(header)?;
            let Some(program) = unit.line_program.clone() else {
                continue;
            };
            let file_name = |index: u64| -> gimli::Result<Option<String>> {
                let Some(file) = program.header().file(index) else {
                    return Ok(None);
                };
                let name = dwarf.attr_string(&unit, file.path_name())?;
                let name = name.to_string_lossy().into_owned();
                let dir = match file.directory(program.header()) {
                    Some(dir) => dwarf
                        .attr_string(&unit, dir)?
                        .to_string_lossy()
                        .into_owned(),
                    None => String::new(),
                };
                // Ours name the file as given, in directory `.`.
                Ok(Some(match dir.as_str() {
                    "" | "." => name,
                    _ if name.starts_with('/') => name,
                    _ => format!("{}/{name}", dir.trim_end_matches('/')),
                }))
            };
            let mut entries = unit.entries();
            while let Some(entry) = entries.next_dfs()? {
                if entry.tag() != gimli::DW_TAG_subprogram {
                    continue;
                }
                let low = entry.attr_value(gimli::DW_AT_low_pc);
                let file = entry.attr_value(gimli::DW_AT_decl_file);
                let line = entry.attr_value(gimli::DW_AT_decl_line);
                let (Some(AttributeValue::Addr(low)), Some(AttributeValue::FileIndex(file))) =
                    (low, file)
                else {
                    continue;
                };
                let line = line.and_then(|l| l.udata_value()).unwrap_or(0);
                if let Some(file) = file_name(file)? {
                    let (line, col) = (u32::try_from(line).unwrap_or(u32::MAX), 0);
                    self.decls.insert(low, Position { file, line, col });
                }
            }
            let mut rows = program.clone().rows();
            let mut sequence = Vec::new();
            while let Some((_, row)) = rows.next_row()? {
                if row.end_sequence() {
                    let rows = std::mem::take(&mut sequence);
                    self.sequences.push((rows, row.address()));
                    continue;
                }
                let Some(file) = file_name(row.file_index())? else {
                    continue;
                };
                let line = row.line().map_or(0, |l| l.get());
                let col = match row.column() {
                    ColumnType::LeftEdge => 0,
                    ColumnType::Column(c) => c.get(),
                };
                let line = u32::try_from(line).unwrap_or(u32::MAX);
                let col = u32::try_from(col).unwrap_or(u32::MAX);
                sequence.push((row.address(), Position { file, line, col }));
            }
        }
        Ok(())
    }

    /// The row in force at `address`: the last at or before it in the
    /// sequence that covers it.
    pub fn position(&self, address: u64) -> Option<&Position> {
        self.sequences.iter().find_map(|(rows, end)| {
            let start = rows.first()?.0;
            if address < start || address >= *end {
                return None;
            }
            let before = rows.partition_point(|(a, _)| *a <= address);
            Some(&rows[before.checked_sub(1)?].1)
        })
    }
}
