//! `--source-map OUT.map [--source-map-url URL]` of `build`, `link` and
//! `asm`: the binary's version-3 source map (the library's
//! `wasm_source_map`), written beside the binary, which names it in a
//! `sourceMappingURL` custom section.

use super::Failure;
use super::io::Output;
use clap::Args;
use std::path::{Component, Path, PathBuf};
use vitte_codegen_wasm64::backend::PassTimes;
use vitte_codegen_wasm64::wasm_source_map;
use vitte_codegen_wasm64::wat::FuncOrigins;

#[derive(Args, Clone, Default)]
pub struct SourceMapArgs {
    /// Also write a source map (version 3, the WebAssembly convention: one
    /// line, each column a byte offset in the binary) to OUT.map, and name
    /// it in the binary's `sourceMappingURL` custom section.
    #[arg(long, value_name = "OUT.map")]
    pub source_map: Option<PathBuf>,
    /// The URL the binary gives for its map [default: the map's path
    /// relative to the binary's directory].
    #[arg(long, value_name = "URL", requires = "source_map")]
    pub source_map_url: Option<String>,
}

/// A source map to write, and where.
pub struct Map {
    path: PathBuf,
    text: String,
}

impl SourceMapArgs {
    pub fn wanted(&self) -> bool {
        self.source_map.is_some()
    }

    /// The binary to write to `out`, with its URL section when a map is
    /// asked for, and that map (made from `origins`, the k-th describing
    /// the k-th function body), timed as the pass `source-map`.
    pub fn apply(
        &self,
        wasm: Vec<u8>,
        origins: &[FuncOrigins],
        out: &Output,
        times: &mut PassTimes,
    ) -> Result<(Vec<u8>, Option<Map>), Failure> {
        let Some(path) = &self.source_map else {
            return Ok((wasm, None));
        };
        if path == Path::new("-") {
            return Err(Failure::error(
                "--source-map needs a file name: the binary names its map by it",
            ));
        }
        let text = times
            .time("source-map", || wasm_source_map::source_map(&wasm, origins))
            .map_err(|e| Failure::error(format!("cannot write the source map: {e}")))?;
        let url = match (&self.source_map_url, out) {
            (Some(url), _) => url.clone(),
            (None, Output::File(wasm_path)) => relative_url(wasm_path, path),
            (None, Output::Stdout) => path.to_string_lossy().into_owned(),
        };
        let wasm = wasm_source_map::append_source_mapping_url(wasm, &url);
        let map = Map {
            path: path.clone(),
            text,
        };
        Ok((wasm, Some(map)))
    }
}

/// Writes the map, then the binary; if the binary cannot be written the
/// map is removed again, so that a failed command leaves neither.
pub fn write(out: &Output, wasm: &[u8], map: Option<Map>) -> Result<(), Failure> {
    let Some(map) = map else {
        return out.write_binary(wasm);
    };
    Output::File(map.path.clone()).write_text(&map.text)?;
    out.write_binary(wasm).inspect_err(|_| {
        let _ = std::fs::remove_file(&map.path);
    })
}

/// `map`'s path from the directory of `wasm`, `/`-separated: both made
/// absolute from the working directory and `.`/`..` resolved as written.
fn relative_url(wasm: &Path, map: &Path) -> String {
    let (Ok(wasm), Ok(map)) = (std::path::absolute(wasm), std::path::absolute(map)) else {
        return map.to_string_lossy().into_owned();
    };
    let mut base = lexical(&wasm);
    base.pop(); // the binary's own name
    let target = lexical(&map);
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); base.len() - common];
    parts.extend(target[common..].iter().cloned());
    parts.join("/")
}

/// The names along an absolute path, `.` dropped and `..` taken back.
fn lexical(path: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(name) => names.push(name.to_string_lossy().into_owned()),
            Component::ParentDir => {
                names.pop();
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::relative_url;
    use std::path::Path;

    #[test]
    fn the_default_url_is_relative_to_the_binary() {
        let url = |wasm: &str, map: &str| relative_url(Path::new(wasm), Path::new(map));
        assert_eq!(url("out/fib.wasm", "out/fib.wasm.map"), "fib.wasm.map");
        assert_eq!(url("fib.wasm", "./maps/fib.map"), "maps/fib.map");
        assert_eq!(url("a/b/fib.wasm", "a/c/fib.map"), "../c/fib.map");
        assert_eq!(url("/x/fib.wasm", "/y/../x/fib.map"), "fib.map");
        assert_eq!(url("/x/y/fib.wasm", "/fib.map"), "../../fib.map");
    }
}
