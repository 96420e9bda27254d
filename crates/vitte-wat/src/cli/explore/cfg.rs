//! The control-flow graph of an IR function as the page draws it: one node
//! per block, one row per block in reverse postorder from the entry (so
//! forward edges go down), and the back edges, whose targets are the loop
//! headers, marked so the picture shows the loops. Computed here rather
//! than in the page: the tests count the same nodes and edges.

use serde::{Deserialize, Serialize};
use vitte_codegen_wasm64::ir::Function;

#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct Cfg {
    /// Every block of the function, in IR order.
    pub blocks: Vec<Node>,
    /// `[from, to, back]`: block indices, and 1 for a back edge.
    pub edges: Vec<[u32; 3]>,
    /// How many blocks the entry reaches: the rows below are unreachable.
    pub reachable: u32,
    /// The structured control the lowering chose, from its WAT ([`nesting`]):
    /// `[kind, depth, first row, last row]`, kind 0 a `block`, 1 a `loop`,
    /// 2 an `if`; in the order they end.
    pub nest: Vec<[u32; 4]>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct Node {
    pub name: String,
    /// Its row in the drawing: its reverse-postorder position, unreachable
    /// blocks last.
    pub row: u32,
    /// The target of a back edge.
    pub header: bool,
}

pub fn of(func: &Function) -> Cfg {
    let n = func.blocks.len();
    let succs: Vec<Vec<usize>> = func
        .blocks
        .iter()
        .map(|b| {
            b.successors()
                .iter()
                .map(|s| s.index())
                .filter(|&s| s < n)
                .collect()
        })
        .collect();
    // Iterative DFS (a generated function may be deep): postorder, and the
    // edges to a block still on the stack are the back edges.
    let mut state = vec![0u8; n]; // 0 unseen, 1 on the stack, 2 done
    let mut post = Vec::with_capacity(n);
    let mut back = Vec::new();
    if n > 0 {
        let mut stack = vec![(0usize, 0usize)];
        state[0] = 1;
        while let Some((b, next)) = stack.last_mut() {
            let b = *b;
            if let Some(&s) = succs[b].get(*next) {
                *next += 1;
                match state[s] {
                    0 => {
                        state[s] = 1;
                        stack.push((s, 0));
                    }
                    1 => back.push((b, s)),
                    _ => {}
                }
            } else {
                state[b] = 2;
                post.push(b);
                stack.pop();
            }
        }
    }
    let mut row = vec![u32::MAX; n];
    for (r, &b) in post.iter().rev().enumerate() {
        row[b] = r as u32;
    }
    let unreached = row.iter_mut().filter(|r| **r == u32::MAX);
    for (next_row, r) in (post.len() as u32..).zip(unreached) {
        *r = next_row;
    }
    // Sorted for binary search: a generated function can have many edges.
    back.sort_unstable();
    let mut edges = Vec::new();
    for (b, ss) in succs.iter().enumerate() {
        for &s in ss {
            let is_back = back.binary_search(&(b, s)).is_ok();
            edges.push([b as u32, s as u32, u32::from(is_back)]);
        }
    }
    let mut is_header = vec![false; n];
    for &(_, h) in &back {
        is_header[h] = true;
    }
    Cfg {
        blocks: func
            .blocks
            .iter()
            .enumerate()
            .map(|(b, block)| Node {
                name: block.name.clone(),
                row: row[b],
                header: is_header[b],
            })
            .collect(),
        edges,
        reachable: post.len() as u32,
        nest: Vec::new(),
    }
}

/// The `block`s, `loop`s and `if`s of a function's WAT, each with the rows
/// of the IR blocks whose code it contains: `lines` are the WAT lines, each
/// with the IR block it belongs to (a block's `;; NAME` comment, or the
/// block of the IR line an instruction came from). A construct without
/// any IR block's code (a frame check's `if`) is left out.
pub fn nesting<'a>(
    cfg: &Cfg,
    lines: impl Iterator<Item = (&'a str, Option<usize>)>,
) -> Vec<[u32; 4]> {
    let mut open: Vec<(u32, Option<(u32, u32)>)> = Vec::new();
    let mut out = Vec::new();
    for (text, block) in lines {
        let word = text.split_whitespace().next().unwrap_or("");
        let kind = match word {
            "block" => Some(0),
            "loop" => Some(1),
            "if" => Some(2),
            _ => None,
        };
        if let Some(kind) = kind {
            open.push((kind, None));
        } else if word == "end" {
            if let Some((kind, Some((first, last)))) = open.pop() {
                out.push([kind, open.len() as u32, first, last]);
            }
        } else if let Some(row) = block.and_then(|b| cfg.blocks.get(b)).map(|n| n.row) {
            for (_, span) in &mut open {
                *span = Some(span.map_or((row, row), |(a, b)| (a.min(row), b.max(row))));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Cfg, Node, nesting};

    fn node(row: u32) -> Node {
        Node {
            name: format!("b{row}"),
            row,
            header: false,
        }
    }

    #[test]
    fn each_construct_spans_the_rows_of_the_blocks_inside_it() {
        let cfg = Cfg {
            blocks: (0..4).map(node).collect(),
            edges: Vec::new(),
            reachable: 4,
            nest: Vec::new(),
        };
        let lines = [
            ("i32.const 0", Some(0)),
            ("block $exit", None),
            ("  loop $l", None),
            ("    ;; b1", Some(1)),
            ("    if", None),
            ("      nop", Some(2)),
            ("    end", None),
            ("  end", None),
            ("  block", None),
            ("  end", None),
            ("end", None),
            ("return", Some(3)),
        ];
        // The `if` ends first; the empty `block` is left out.
        assert_eq!(
            nesting(&cfg, lines.into_iter()),
            [[2, 2, 2, 2], [1, 1, 1, 2], [0, 0, 1, 2]]
        );
    }
}
