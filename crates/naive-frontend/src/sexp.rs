//! S-expressions with positions: the whole syntax of the source language.

use crate::Error;

/// A position in the source, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Sexp {
    Sym(String, Pos),
    Int(i64, Pos),
    Float(f64, Pos),
    Str(Vec<u8>, Pos),
    List(Vec<Sexp>, Pos),
}

impl Sexp {
    pub fn pos(&self) -> Pos {
        match self {
            Sexp::Sym(_, p)
            | Sexp::Int(_, p)
            | Sexp::Float(_, p)
            | Sexp::Str(_, p)
            | Sexp::List(_, p) => *p,
        }
    }

    pub fn sym(&self) -> Option<&str> {
        match self {
            Sexp::Sym(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn list(&self) -> Option<&[Sexp]> {
        match self {
            Sexp::List(items, _) => Some(items),
            _ => None,
        }
    }

    /// The head symbol of a list, if it has one.
    pub fn head(&self) -> Option<&str> {
        self.list().and_then(|l| l.first()).and_then(Sexp::sym)
    }
}

/// Lists nest at most this deep: the reader and the lowering recurse.
const MAX_DEPTH: usize = 200;

struct Reader<'a> {
    text: &'a [u8],
    at: usize,
    depth: usize,
    line: u32,
    col: u32,
}

/// Reads every top-level form of `text`; `;` starts a comment.
pub fn parse(text: &str) -> Result<Vec<Sexp>, Error> {
    let mut r = Reader {
        text: text.as_bytes(),
        at: 0,
        depth: 0,
        line: 1,
        col: 1,
    };
    let mut forms = Vec::new();
    loop {
        r.skip_space();
        if r.at == r.text.len() {
            return Ok(forms);
        }
        forms.push(r.form()?);
    }
}

impl Reader<'_> {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: self.col,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.at += 1;
        if c == b'\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c == b';' {
                while self.peek().is_some_and(|c| c != b'\n') {
                    self.bump();
                }
            } else if c.is_ascii_whitespace() {
                self.bump();
            } else {
                break;
            }
        }
    }

    fn form(&mut self) -> Result<Sexp, Error> {
        let pos = self.pos();
        match self.peek() {
            Some(b'(') => {
                if self.depth == MAX_DEPTH {
                    return Err(Error::new(
                        pos,
                        format!("lists nested more than {MAX_DEPTH} deep"),
                    ));
                }
                self.bump();
                self.depth += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => return Err(Error::new(pos, "unclosed `(`")),
                        Some(b')') => {
                            self.bump();
                            self.depth -= 1;
                            return Ok(Sexp::List(items, pos));
                        }
                        Some(_) => items.push(self.form()?),
                    }
                }
            }
            Some(b')') => Err(Error::new(pos, "unexpected `)`")),
            Some(b'"') => self.string(pos),
            _ => self.atom(pos),
        }
    }

    fn string(&mut self, pos: Pos) -> Result<Sexp, Error> {
        self.bump();
        let mut bytes = Vec::new();
        loop {
            match self.bump() {
                None => return Err(Error::new(pos, "unclosed string")),
                Some(b'"') => return Ok(Sexp::Str(bytes, pos)),
                Some(b'\\') => {
                    let at = self.pos();
                    let byte = match self.bump() {
                        Some(b'n') => b'\n',
                        Some(b'0') => 0,
                        Some(b'\\') => b'\\',
                        Some(b'"') => b'"',
                        _ => return Err(Error::new(at, "unknown escape (\\n \\0 \\\\ \\\")")),
                    };
                    bytes.push(byte);
                }
                Some(c) => bytes.push(c),
            }
        }
    }

    fn atom(&mut self, pos: Pos) -> Result<Sexp, Error> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| !c.is_ascii_whitespace() && !b"();\"".contains(&c))
        {
            self.bump();
        }
        let text = String::from_utf8_lossy(&self.text[start..self.at]).into_owned();
        let numeric = text.starts_with(|c: char| c.is_ascii_digit())
            || (text.len() > 1
                && text.starts_with('-')
                && text[1..].starts_with(|c: char| c.is_ascii_digit()));
        if !numeric {
            return Ok(Sexp::Sym(text, pos));
        }
        let (neg, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        if let Some(hex) = digits.strip_prefix("0x") {
            let v = u64::from_str_radix(hex, 16)
                .map_err(|_| Error::new(pos, format!("bad hexadecimal literal `{text}`")))?;
            let v = v as i64;
            return Ok(Sexp::Int(if neg { v.wrapping_neg() } else { v }, pos));
        }
        if digits.contains(['.', 'e', 'E']) {
            return text
                .parse::<f64>()
                .map(|f| Sexp::Float(f, pos))
                .map_err(|_| Error::new(pos, format!("bad float literal `{text}`")));
        }
        // Decimal literals up to 2^64 - 1 (an unsigned 64-bit constant is
        // written as it is in C, and means its two's complement bits).
        let v = digits
            .parse::<u64>()
            .map_err(|_| Error::new(pos, format!("bad integer literal `{text}`")))?;
        let v = v as i64;
        Ok(Sexp::Int(if neg { v.wrapping_neg() } else { v }, pos))
    }
}
