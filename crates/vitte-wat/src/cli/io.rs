//! Reading inputs and writing outputs the way every command does: `-` is
//! stdin or stdout, and files are written through [`super::output`], so a
//! failed command never leaves a partial file.

use super::Failure;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use vitte_codegen_wasm64::diag::utf8_error_location;

/// The name used in messages for stdin.
pub const STDIN_NAME: &str = "<stdin>";

/// An input's bytes and the name to show for it.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Input {
    pub fn read(path: &Path) -> Result<Input, Failure> {
        if path == Path::new("-") {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::error(format!("cannot read stdin: {e}")))?;
            return Ok(Input {
                name: STDIN_NAME.into(),
                bytes,
            });
        }
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::error(format!("cannot read {}: {e}", path.display())))?;
        Ok(Input {
            name: path.display().to_string(),
            bytes,
        })
    }

    pub fn is_wasm_binary(&self) -> bool {
        self.bytes.starts_with(b"\0asm")
    }

    /// [`Input::text`] without a copy: the bytes become the string.
    pub fn into_text(self, expected: &str) -> Result<String, Failure> {
        self.text(expected)?;
        String::from_utf8(self.bytes).map_err(|_| Failure::error("invalid UTF-8"))
    }

    /// The input as text; a binary or invalid UTF-8 is an error at its offset.
    pub fn text(&self, expected: &str) -> Result<&str, Failure> {
        if self.is_wasm_binary() {
            return Err(Failure::error(format!(
                "{}: expected {expected} text, found a wasm binary",
                self.name
            )));
        }
        std::str::from_utf8(&self.bytes).map_err(|e| {
            let (line, col) = utf8_error_location(&self.bytes, &e);
            Failure::error(format!(
                "{}:{line}:{col}: invalid UTF-8 (byte offset {})",
                self.name,
                e.valid_up_to()
            ))
        })
    }
}

/// What kind of file an input is: by its content when it is a binary,
/// else by its extension (`.vir`, else WAT).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Vir,
    Wat,
    Wasm,
}

pub fn kind_of(path: &Path, input: &Input) -> Kind {
    if input.is_wasm_binary() {
        return Kind::Wasm;
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("vir") => Kind::Vir,
        Some("wasm") => Kind::Wasm,
        _ => Kind::Wat,
    }
}

/// Where a command writes: a file, or stdout.
pub enum Output {
    Stdout,
    File(PathBuf),
}

impl Output {
    /// `-o PATH`, `-o -`, or the default when no `-o` is given.
    pub fn new(path: Option<&Path>, default: Output) -> Output {
        match path {
            Some(p) if p == Path::new("-") => Output::Stdout,
            Some(p) => Output::File(p.to_path_buf()),
            None => default,
        }
    }

    pub fn write_text(&self, text: &str) -> Result<(), Failure> {
        self.write(text.as_bytes())
    }

    /// Binary output refuses a terminal: it would only garble it.
    pub fn write_binary(&self, bytes: &[u8]) -> Result<(), Failure> {
        if matches!(self, Output::Stdout) && std::io::stdout().is_terminal() {
            return Err(Failure::error(
                "refusing to write a wasm binary to a terminal; use -o FILE",
            ));
        }
        self.write(bytes)
    }

    fn write(&self, bytes: &[u8]) -> Result<(), Failure> {
        match self {
            Output::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)
                    .and_then(|_| out.flush())
                    .map_err(|e| Failure::error(format!("cannot write stdout: {e}")))
            }
            Output::File(path) => super::output::write_output(path, bytes)
                .map_err(|e| Failure::error(format!("cannot write {}: {e}", path.display()))),
        }
    }
}
