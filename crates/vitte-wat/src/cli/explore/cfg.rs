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
    }
}
