//! Structured control flow from a reducible CFG, by the dominator-tree
//! method of Ramsey, "Beyond Relooper" (ICFP 2022).
//!
//! Each block is placed by its immediate dominator:
//! - a loop header (the target of a back edge) is wrapped in a `loop`, and
//!   back edges branch to it;
//! - a merge node (two or more forward edges in) follows a `block` that its
//!   dominator opens, so forward edges to it are `br`s to the block's end;
//!   among a node's merge children the one latest in reverse postorder gets
//!   the outermost `block`;
//! - any other block has exactly one forward edge in, and its code is placed
//!   right where that edge is taken.
//!
//! Labels are named after the blocks they lead to, so `br $exit` reads as
//! "go to `exit`". The work is linear in the size of the function apart from
//! the dominator computation, which is near-linear in practice.

use super::func::FuncCx;
use super::names::NameSpace;
use crate::analysis::{Cfg, DomTree, Loops};
use crate::diag::Diagnostic;
use crate::fxhash::FxHashMap;
use crate::ir::{BlockId, Edge, Function, Terminator};
use crate::stack::ensure_stack;
use crate::wat::{BlockType, Instr, IntType, IntUnOp};

pub(super) struct Structurer<'f> {
    func: &'f Function,
    cfg: Cfg,
    dom: DomTree,
    loops: Loops,
    /// Forward edges into each block (a `brif` to the same block twice counts twice).
    forward_in: Vec<u32>,
    /// The label of the `block` that ends just before each merge node.
    block_labels: Vec<Option<String>>,
    /// The label of the `loop` of each loop header.
    loop_labels: Vec<Option<String>>,
}

impl<'f> Structurer<'f> {
    pub fn new(func: &'f Function) -> Result<Structurer<'f>, Diagnostic> {
        let cfg = Cfg::new(func);
        let dom = DomTree::new(&cfg);
        let loops = Loops::new(&cfg, &dom);
        if let Some((from, to)) = loops.irreducible_edge {
            // `reducible::make_reducible` ran first; reaching here is a bug.
            let what = format!(
                "internal error: control flow still irreducible (edge from `{}` to `{}`)",
                func.block(from).name,
                func.block(to).name
            );
            return Err(Diagnostic::new(what, func.block(from).term_span));
        }
        let mut forward_in = vec![0u32; func.blocks.len()];
        for &b in &cfg.rpo {
            let term = func
                .block(b)
                .term
                .as_ref()
                .expect("verified blocks end in a terminator");
            for edge in term.edges() {
                if cfg.rpo_number(edge.block) > cfg.rpo_number(b) {
                    forward_in[edge.block.index()] += 1;
                }
            }
        }
        let n = func.blocks.len();
        Ok(Structurer {
            func,
            cfg,
            dom,
            loops,
            forward_in,
            block_labels: vec![None; n],
            loop_labels: vec![None; n],
        })
    }

    /// Appends the structured code of the whole function to `out`.
    pub fn lower(mut self, fc: &mut FuncCx, out: &mut Vec<Instr>) {
        self.name_labels(&mut fc.labels);
        let entry = self.func.entry();
        self.do_tree(fc, entry, out);
    }

    /// Labels in reverse postorder, so names are stable and read top-down.
    fn name_labels(&mut self, labels: &mut NameSpace) {
        for &b in &self.cfg.rpo {
            let name = &self.func.block(b).name;
            if self.is_merge(b) {
                self.block_labels[b.index()] = Some(labels.fresh(name));
            }
            if self.loops.is_header[b.index()] {
                let wanted = if self.is_merge(b) {
                    format!("{name}_loop")
                } else {
                    name.clone()
                };
                self.loop_labels[b.index()] = Some(labels.fresh(&wanted));
            }
        }
    }

    fn is_merge(&self, b: BlockId) -> bool {
        self.forward_in[b.index()] >= 2
    }

    fn is_backward(&self, from: BlockId, to: BlockId) -> bool {
        self.cfg.rpo_number(to) <= self.cfg.rpo_number(from)
    }

    /// The code of `x` and of the blocks it dominates.
    fn do_tree(&self, fc: &mut FuncCx, x: BlockId, out: &mut Vec<Instr>) {
        ensure_stack(|| self.do_tree_here(fc, x, out))
    }

    fn do_tree_here(&self, fc: &mut FuncCx, x: BlockId, out: &mut Vec<Instr>) {
        // Children come in reverse postorder; the last gets the outermost block.
        let merges: Vec<BlockId> = self
            .dom
            .children(x)
            .iter()
            .copied()
            .filter(|&c| self.is_merge(c))
            .collect();
        match &self.loop_labels[x.index()] {
            Some(label) => {
                let mut body = Vec::new();
                self.node_within(fc, x, &merges, &mut body);
                out.push(Instr::Loop {
                    label: label.clone(),
                    ty: BlockType::default(),
                    body,
                });
            }
            None => self.node_within(fc, x, &merges, out),
        }
    }

    fn node_within(&self, fc: &mut FuncCx, x: BlockId, merges: &[BlockId], out: &mut Vec<Instr>) {
        if let Some((&outermost, inner)) = merges.split_last() {
            let mut body = Vec::new();
            ensure_stack(|| self.node_within(fc, x, inner, &mut body));
            out.push(Instr::Block {
                label: self.block_label(outermost),
                ty: BlockType::default(),
                body,
            });
            self.do_tree(fc, outermost, out);
            return;
        }
        let block = self.func.block(x);
        out.extend(fc.comment(&block.name));
        for (index, inst) in block.insts.iter().enumerate() {
            fc.emit_inst(x, index, inst, out);
        }
        let term = block
            .term
            .as_ref()
            .expect("verified blocks end in a terminator");
        out.extend(fc.origin(block.term_span, block.term_loc));
        self.emit_terminator(fc, x, term, out);
    }

    fn block_label(&self, b: BlockId) -> String {
        self.block_labels[b.index()]
            .clone()
            .expect("merge nodes are labelled")
    }

    fn emit_terminator(
        &self,
        fc: &mut FuncCx,
        x: BlockId,
        term: &Terminator,
        out: &mut Vec<Instr>,
    ) {
        match term {
            Terminator::Jump(edge) => self.branch(fc, x, edge, out),
            Terminator::BrIf {
                cond,
                then_edge,
                else_edge,
            } => {
                fc.push_value(*cond, out);
                let mut then_body = Vec::new();
                self.branch(fc, x, then_edge, &mut then_body);
                let mut else_body = Vec::new();
                self.branch(fc, x, else_edge, &mut else_body);
                out.push(Instr::If {
                    label: String::new(),
                    ty: BlockType::default(),
                    then_body,
                    else_body,
                });
            }
            Terminator::Switch {
                index,
                targets,
                default,
            } => self.switch(fc, x, *index, targets, default, out),
            Terminator::Cases { .. } => {
                unreachable!("general switches are expanded before structuring (switches.rs)")
            }
            Terminator::Return(values) => fc.emit_return(values, out),
            Terminator::Unreachable => out.push(Instr::Unreachable),
        }
    }

    /// Takes an edge: moves the arguments, then branches or places the target.
    fn branch(&self, fc: &mut FuncCx, from: BlockId, edge: &Edge, out: &mut Vec<Instr>) {
        fc.emit_edge_moves(edge, out);
        if let Some(label) = self.direct_label(from, edge.block) {
            out.push(Instr::Br(label));
        } else {
            self.do_tree(fc, edge.block, out);
        }
    }

    /// The label a branch from `from` to `to` can use, unless `to` is placed inline.
    fn direct_label(&self, from: BlockId, to: BlockId) -> Option<String> {
        if self.is_backward(from, to) {
            self.loop_labels[to.index()].clone()
        } else if self.is_merge(to) {
            self.block_labels[to.index()].clone()
        } else {
            None
        }
    }

    /// A `br_table`. Edges that need code (argument moves, or a target placed
    /// inline) each get a `block` of their own whose end holds that code.
    fn switch(
        &self,
        fc: &mut FuncCx,
        x: BlockId,
        index: crate::ir::ValueId,
        targets: &[Edge],
        default: &Edge,
        out: &mut Vec<Instr>,
    ) {
        // `all` is the table followed by the default.
        let all: Vec<&Edge> = targets.iter().chain(std::iter::once(default)).collect();
        let mut coded: Vec<(&Edge, String)> = Vec::new();
        // Where each coded edge is in `coded`: a table of K distinct edges
        // costs K lookups, not K²/2 comparisons.
        let mut coded_at: FxHashMap<&Edge, usize> = FxHashMap::default();
        let mut labels = Vec::with_capacity(all.len());
        for edge in all {
            let direct = match edge.args.is_empty() {
                true => self.direct_label(x, edge.block),
                false => None,
            };
            let label = match (direct, coded_at.get(edge)) {
                (Some(label), _) => label,
                (None, Some(&at)) => coded[at].1.clone(),
                (None, None) => {
                    let target = &self.func.block(edge.block).name;
                    let wanted = match edge.args.is_empty() {
                        true => target.clone(),
                        false => format!("{target}_case"),
                    };
                    let label = fc.labels.fresh(&wanted);
                    coded_at.insert(edge, coded.len());
                    coded.push((edge, label.clone()));
                    label
                }
            };
            labels.push(label);
        }
        let default_label = labels.pop().expect("the default is last");
        let mut inner = Vec::new();
        fc.push_value(index, &mut inner);
        inner.push(Instr::BrTable {
            labels,
            default: default_label,
        });
        for (edge, label) in coded {
            let mut code = vec![Instr::Block {
                label,
                ty: BlockType::default(),
                body: inner,
            }];
            self.branch(fc, x, edge, &mut code);
            inner = code;
        }
        out.extend(inner);
    }
}

/// Flattens what the structuring nested needlessly, bottom-up:
/// - `block $l ... br $l end`: the `br` goes, control reaches `end` anyway;
/// - `if (br $l) else E end` becomes `br_if $l E`;
/// - `if T else (br $l) end` becomes `i32.eqz br_if $l T`;
/// - `if T else E end` where `T` always jumps becomes `if T end E`.
///
/// The `if`s here have no label, so no branch depends on their nesting.
pub(super) fn tidy(body: Vec<Instr>) -> Vec<Instr> {
    ensure_stack(|| tidy_here(body))
}

fn tidy_here(body: Vec<Instr>) -> Vec<Instr> {
    let mut out = Vec::with_capacity(body.len());
    for instr in body {
        match instr {
            Instr::Block { label, ty, body } => {
                let mut body = tidy(body);
                if matches!(body.last(), Some(Instr::Br(l)) if *l == label) {
                    body.pop();
                }
                out.push(Instr::Block { label, ty, body });
            }
            Instr::Loop { label, ty, body } => out.push(Instr::Loop {
                label,
                ty,
                body: tidy(body),
            }),
            Instr::If {
                label,
                ty,
                then_body,
                else_body,
            } if label.is_empty() && ty == BlockType::default() => {
                flatten_if(tidy(then_body), tidy(else_body), &mut out)
            }
            Instr::If {
                label,
                ty,
                then_body,
                else_body,
            } => out.push(Instr::If {
                label,
                ty,
                then_body: tidy(then_body),
                else_body: tidy(else_body),
            }),
            other => out.push(other),
        }
    }
    out
}

fn flatten_if(then_body: Vec<Instr>, else_body: Vec<Instr>, out: &mut Vec<Instr>) {
    match (then_body.as_slice(), else_body.as_slice()) {
        ([Instr::Br(label)], _) => {
            out.push(Instr::BrIf(label.clone()));
            out.extend(else_body);
        }
        (_, [Instr::Br(label)]) => {
            out.push(Instr::IntUnary {
                ty: IntType::I32,
                op: IntUnOp::Eqz,
            });
            out.push(Instr::BrIf(label.clone()));
            out.extend(then_body);
        }
        _ if ends_in_jump(&then_body) && !else_body.is_empty() => {
            out.push(plain_if(then_body, Vec::new()));
            out.extend(else_body);
        }
        _ => out.push(plain_if(then_body, else_body)),
    }
}

fn plain_if(then_body: Vec<Instr>, else_body: Vec<Instr>) -> Instr {
    Instr::If {
        label: String::new(),
        ty: BlockType::default(),
        then_body,
        else_body,
    }
}

/// Whether control never falls out of the end of `body`.
pub(super) fn ends_in_jump(body: &[Instr]) -> bool {
    matches!(
        body.last(),
        Some(Instr::Return | Instr::Br(_) | Instr::Unreachable | Instr::BrTable { .. })
    )
}
