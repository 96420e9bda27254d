//! Folded stacks, the input of every flame-graph tool: one line per
//! distinct stack, `outer;inner N`.

use super::Profile;

impl Profile {
    /// `main (f.vir:20);heavy (f.vir:9) 3` lines, in stack order. Frames
    /// are `func (file:line)` or `func`; a `;` in a name would split the
    /// frame, so it is written `,`.
    pub fn folded(&self) -> String {
        let mut out = String::new();
        for (stack, count) in self.stack_counts() {
            let names: Vec<String> = stack
                .iter()
                .map(|f| f.to_string().replace(';', ","))
                .collect();
            out.push_str(&format!("{} {count}\n", names.join(";")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample_profile;

    #[test]
    fn one_line_per_stack_outermost_first() {
        assert_eq!(
            sample_profile().folded(),
            "main (f.vir:20);heavy (f.vir:9) 3\nmain (f.vir:20);light<&> (f.vir:4) 1\n"
        );
    }
}
