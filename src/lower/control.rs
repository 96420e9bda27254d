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
/// - `if T else E end` where `T` always jumps becomes `if T end E`;
/// - with `if_else` (the pass of that name): `block $l P if T br $l end E
///   end`, where the straight code `P` does not branch to `$l`, becomes
///   `P if T else E end` (4 bytes less: one `block`, `br` and `end` for an
///   `else`). That is the diamond the structuring makes for a join: both
///   arms used to reach it by `br $l`, and now by falling out of the `if`.
///   Branches to `$l` left in `T` or `E` go to the `if`'s end, which
///   then takes the label: it is the same place. Also with it: `if T br
///   $l else br $l end` becomes `if T end br $l` (`drop br $l` when `T` is
///   empty), `loop ... br $out end` becomes `loop ... end br $out`, and a
///   `block` that no branch names any more is left out (its code stays
///   where it was).
///
/// The `if`s here have no label, so no branch depends on their nesting.
///
/// `last`: no pass reshapes the code after this tidying (loop rotation
/// wants a loop's exit branch where the structuring put it), so a loop's
/// final `br` may move out of it.
pub(super) fn tidy(body: Vec<Instr>, if_else: bool, last: bool) -> Vec<Instr> {
    Tidy {
        scopes: LabelScopes::default(),
        if_else,
        loop_exits: if_else && last,
    }
    .body(body)
}

/// The labels around a walk's current point, innermost last, each with
/// how many branches to it were counted so far. A branch names a label
/// around it, so when a block's body is done, its count is complete: a
/// label no branch names can be left off. A search from the innermost
/// costs what the encoder's resolution of the same label to a depth does,
/// and needs no map. Used by `tidy` and by `loop-guards` (`guards.rs`).
#[derive(Default)]
pub(super) struct LabelScopes(Vec<(String, u32)>);

impl LabelScopes {
    pub(super) fn enter(&mut self, label: String) {
        self.0.push((label, 0));
    }

    /// The innermost label, and how many branches named it.
    pub(super) fn leave(&mut self) -> (String, u32) {
        self.0.pop().expect("a scope was entered")
    }

    /// Counts a branch to `label` (the innermost label of that name).
    pub(super) fn count(&mut self, label: &str) {
        if let Some(named) = self.named(label) {
            *named += 1;
        }
    }

    /// Takes back a branch to `label` that was counted and is removed.
    pub(super) fn forget(&mut self, label: &str) {
        if let Some(named) = self.named(label) {
            *named = named.saturating_sub(1);
        }
    }

    fn named(&mut self, label: &str) -> Option<&mut u32> {
        let scope = self.0.iter_mut().rev().find(|(l, _)| l == label);
        scope.map(|(_, named)| named)
    }
}

struct Tidy {
    /// The labels around the code being tidied (branches counted only
    /// with `if_else`).
    scopes: LabelScopes,
    if_else: bool,
    /// Move a loop's final `br` out of it.
    loop_exits: bool,
}

impl Tidy {
    fn body(&mut self, body: Vec<Instr>) -> Vec<Instr> {
        ensure_stack(|| self.body_here(body))
    }

    fn body_here(&mut self, body: Vec<Instr>) -> Vec<Instr> {
        let mut out = Vec::with_capacity(body.len());
        for instr in body {
            match instr {
                Instr::Block { label, ty, body } => {
                    let (label, mut body, mut named) = self.scoped(label, body);
                    if matches!(body.last(), Some(Instr::Br(l)) if *l == label) {
                        body.pop();
                        named = named.saturating_sub(1);
                    }
                    if !self.if_else || ty != BlockType::default() {
                        out.push(Instr::Block { label, ty, body });
                    } else if named == 0 {
                        // No branch leaves it: its code needs no block.
                        out.extend(body);
                    } else {
                        push_join_block(label, named, body, &mut out);
                    }
                }
                Instr::Loop { label, ty, body } => {
                    let (label, mut body, _) = self.scoped(label, body);
                    // `loop ... br $out end` is `loop ... end br $out`:
                    // falling out of a loop goes on after it. Out there,
                    // the `br` may end `$out`'s block, and go.
                    let leaves = match body.last() {
                        Some(Instr::Br(to)) if self.loop_exits && *to != label => body.pop(),
                        _ => None,
                    };
                    out.push(Instr::Loop { label, ty, body });
                    out.extend(leaves);
                }
                Instr::If {
                    label,
                    ty,
                    then_body,
                    else_body,
                } if label.is_empty() && ty == BlockType::default() => {
                    let then_body = self.body(then_body);
                    let else_body = self.body(else_body);
                    self.flatten_if(then_body, else_body, &mut out)
                }
                Instr::If {
                    label,
                    ty,
                    then_body,
                    else_body,
                } => {
                    self.scopes.enter(label);
                    let then_body = self.body(then_body);
                    let else_body = self.body(else_body);
                    let (label, _) = self.scopes.leave();
                    out.push(Instr::If {
                        label,
                        ty,
                        then_body,
                        else_body,
                    })
                }
                other => {
                    if self.if_else {
                        for label in branch_targets(&other) {
                            self.scopes.count(label);
                        }
                    }
                    out.push(other)
                }
            }
        }
        out
    }

    /// `body` tidied with `label` around it, and how many branches in it
    /// name `label`.
    fn scoped(&mut self, label: String, body: Vec<Instr>) -> (String, Vec<Instr>, u32) {
        self.scopes.enter(label);
        let body = self.body(body);
        let (label, named) = self.scopes.leave();
        (label, body, named)
    }

    fn flatten_if(
        &mut self,
        mut then_body: Vec<Instr>,
        else_body: Vec<Instr>,
        out: &mut Vec<Instr>,
    ) {
        match (then_body.as_slice(), else_body.as_slice()) {
            ([Instr::Br(to)], [Instr::Br(label)]) if self.if_else && to == label => {
                // Both arms only go to `label`: the condition is not needed.
                let label = label.clone();
                self.scopes.forget(&label);
                out.push(Instr::Drop);
                out.push(Instr::Br(label));
            }
            ([Instr::Br(label)], _) => {
                out.push(Instr::BrIf(label.clone()));
                out.extend(else_body);
            }
            ([.., Instr::Br(to)], [Instr::Br(label)]) if self.if_else && to == label => {
                // Both arms go to `label`: one `br` after the `if`, which
                // goes too when it ends `label`'s block.
                let label = label.clone();
                then_body.pop();
                self.scopes.forget(&label);
                out.push(plain_if(then_body, Vec::new()));
                out.push(Instr::Br(label));
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
}

/// Pushes `block $label body end` to `out`, as an `if` with an `else`
/// where it has that shape. Only the straight code before the `if` is
/// looked through, so each instruction is looked at once: linear.
fn push_join_block(label: String, named: u32, mut body: Vec<Instr>, out: &mut Vec<Instr>) {
    let at = body.iter().position(|i| {
        matches!(
            i,
            Instr::Block { .. } | Instr::Loop { .. } | Instr::If { .. }
        )
    });
    let fits = at.is_some_and(|at| {
        let straight = &body[..at];
        !straight
            .iter()
            .any(|i| branch_targets(i).any(|l| *l == label))
            && matches!(&body[at], Instr::If { label: l, ty, then_body, else_body }
                if l.is_empty() && *ty == BlockType::default() && else_body.is_empty()
                    && matches!(then_body.last(), Some(Instr::Br(to)) if *to == label))
    });
    let Some(at) = at.filter(|_| fits) else {
        out.push(Instr::Block {
            label,
            ty: BlockType::default(),
            body,
        });
        return;
    };
    let else_body = body.split_off(at + 1);
    let Some(Instr::If { mut then_body, .. }) = body.pop() else {
        unreachable!("checked above")
    };
    then_body.pop();
    // The `if` takes the label if a branch to it is left in an arm.
    let still_named = named > 1;
    out.extend(body);
    out.push(Instr::If {
        label: if still_named { label } else { String::new() },
        ty: BlockType::default(),
        then_body,
        else_body,
    });
}

/// The labels `instr` branches to, once per naming: none unless it is a
/// `br`, `br_if` or `br_table`.
pub(super) fn branch_targets(instr: &Instr) -> impl Iterator<Item = &String> {
    let (labels, last): (&[String], Option<&String>) = match instr {
        Instr::Br(l) | Instr::BrIf(l) => (&[], Some(l)),
        Instr::BrTable { labels, default } => (labels, Some(default)),
        _ => (&[], None),
    };
    labels.iter().chain(last)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn block(label: &str, body: Vec<Instr>) -> Instr {
        Instr::Block {
            label: label.into(),
            ty: BlockType::default(),
            body,
        }
    }
    fn when(then_body: Vec<Instr>, else_body: Vec<Instr>) -> Instr {
        plain_if(then_body, else_body)
    }
    fn br(label: &str) -> Instr {
        Instr::Br(label.into())
    }
    fn get(local: &str) -> Instr {
        Instr::LocalGet(local.into())
    }

    #[test]
    fn a_diamond_join_block_becomes_an_else() {
        // block $j (get $c) if (get $a) br $j end (get $b) end
        let body = vec![block(
            "j",
            vec![get("c"), when(vec![get("a"), br("j")], vec![]), get("b")],
        )];
        assert_eq!(tidy(body.clone(), false, true), body, "the pass is off");
        assert_eq!(
            tidy(body, true, true),
            vec![get("c"), when(vec![get("a")], vec![get("b")])]
        );
    }

    #[test]
    fn the_if_takes_the_label_while_a_branch_still_names_it() {
        let inner = when(vec![br("j")], vec![get("d")]);
        let body = vec![block(
            "j",
            vec![get("c"), when(vec![get("a"), br("j")], vec![]), inner],
        )];
        let Instr::If {
            label, else_body, ..
        } = &tidy(body, true, true)[1]
        else {
            panic!("an if after the condition")
        };
        assert_eq!(label, "j");
        // The inner `if` with a lone `br` became a `br_if`.
        assert_eq!(else_body[0], Instr::BrIf("j".into()));
    }

    #[test]
    fn a_block_no_branch_leaves_is_left_out() {
        // block $j (get $c) if (get $a) br $j else br $j end end
        let body = vec![block(
            "j",
            vec![get("c"), when(vec![get("a"), br("j")], vec![br("j")])],
        )];
        assert_eq!(
            tidy(body, true, true),
            vec![get("c"), when(vec![get("a")], vec![])]
        );
    }

    #[test]
    fn a_branch_to_the_join_before_the_if_keeps_the_block() {
        let body = vec![block(
            "j",
            vec![
                Instr::BrIf("j".into()),
                get("c"),
                when(vec![get("a"), br("j")], vec![]),
                get("b"),
            ],
        )];
        assert_eq!(tidy(body.clone(), true, true), body);
    }
}
