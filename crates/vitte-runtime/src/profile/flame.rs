//! A flame graph as a standalone SVG: the root at the bottom, each frame
//! as wide as its share of the samples, callees above their callers,
//! siblings in name order. Hovering a box shows its name and samples
//! (`<title>`). Written here rather than with inferno (CDDL-1.0), and small.

use super::{Frame, Profile, percent, xml_escape};
use std::collections::BTreeMap;

const WIDTH: f64 = 1200.0;
const ROW: f64 = 18.0;
/// Room for the title above the graph.
const TOP: f64 = 30.0;
/// About the width of a character of the 12px font: longer names are cut.
const CHAR: f64 = 7.0;

/// A node of the call tree: samples through it, callees by frame.
#[derive(Default)]
struct Node<'a> {
    samples: u64,
    children: BTreeMap<&'a Frame, Node<'a>>,
}

impl Profile {
    /// The flame graph, an SVG document of its own (no script, no style
    /// sheet), `WIDTH` pixels wide.
    pub fn flame_svg(&self) -> String {
        let mut root = Node::default();
        for (stack, count) in self.stack_counts() {
            root.samples += count;
            let mut node = &mut root;
            for frame in stack {
                node = node.children.entry(frame).or_default();
                node.samples += count;
            }
        }
        let depth = depth(&root);
        let height = TOP + ROW * (depth as f64 + 1.0) + 4.0;
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
             viewBox=\"0 0 {WIDTH} {height}\" font-family=\"monospace\" font-size=\"12\">\n\
             <text x=\"{}\" y=\"20\" text-anchor=\"middle\" font-size=\"16\">Flame graph: {} samples</text>\n",
            WIDTH / 2.0,
            root.samples
        );
        let mut boxes = Boxes {
            out: &mut out,
            total: root.samples,
            bottom: height - 4.0 - ROW,
        };
        boxes.node("all", &root, 0.0, 0);
        out.push_str("</svg>\n");
        out
    }
}

fn depth(node: &Node) -> usize {
    node.children
        .values()
        .map(|c| 1 + depth(c))
        .max()
        .unwrap_or(0)
}

struct Boxes<'o> {
    out: &'o mut String,
    total: u64,
    /// The y of the root's row.
    bottom: f64,
}

impl Boxes<'_> {
    /// Draws `node` at `x`, `level` rows up, then its children side by side.
    fn node(&mut self, name: &str, node: &Node, x: f64, level: usize) {
        let width = WIDTH * node.samples as f64 / self.total.max(1) as f64;
        let y = self.bottom - ROW * level as f64;
        let name = xml_escape(name);
        let title = format!(
            "{name} ({} samples, {:.1}%)",
            node.samples,
            percent(node.samples, self.total)
        );
        self.out.push_str(&format!(
            "<g><title>{title}</title><rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{width:.2}\" \
             height=\"{}\" fill=\"{}\" rx=\"2\"/>",
            ROW - 1.0,
            color(&name)
        ));
        let fits = ((width - 6.0) / CHAR).floor().max(0.0) as usize;
        if fits >= 3 {
            let label = label(&name, fits);
            self.out.push_str(&format!(
                "<text x=\"{:.2}\" y=\"{:.2}\">{label}</text>",
                x + 3.0,
                y + ROW - 5.0
            ));
        }
        self.out.push_str("</g>\n");
        let mut child_x = x;
        for (frame, child) in &node.children {
            self.node(&frame.to_string(), child, child_x, level + 1);
            child_x += WIDTH * child.samples as f64 / self.total.max(1) as f64;
        }
    }
}

/// The (escaped) name cut to `fits` characters with `..`; never inside an
/// entity, which would break the XML.
fn label(escaped: &str, fits: usize) -> String {
    let plain = escaped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    if plain.chars().count() <= fits {
        return escaped.to_string();
    }
    let cut: String = plain.chars().take(fits.saturating_sub(2)).collect();
    xml_escape(&format!("{cut}.."))
}

/// A warm colour from the name, the same for the same name in every graph.
fn color(name: &str) -> String {
    // FNV-1a: stable across runs and builds, unlike the std hasher.
    let hash = name.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let (g, b) = (100 + hash % 120, hash / 7 % 60);
    format!("rgb(230,{g},{b})")
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample_profile;
    use super::*;

    #[test]
    fn boxes_are_as_wide_as_their_samples() {
        let svg = sample_profile().flame_svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>\n"));
        // all and main: the whole width; heavy three quarters; light one.
        assert_eq!(svg.matches("width=\"1200.00\"").count(), 2, "{svg}");
        assert!(svg.contains("<title>heavy (f.vir:9) (3 samples, 75.0%)</title>"));
        assert!(svg.contains("width=\"900.00\""));
        assert!(svg.contains("<title>light&lt;&amp;&gt; (f.vir:4) (1 samples, 25.0%)"));
    }

    #[test]
    fn labels_are_cut_outside_entities() {
        assert_eq!(label("a&amp;b", 3), "a&amp;b");
        assert_eq!(label("abc&amp;def", 5), "abc..");
        assert_eq!(label("ab&amp;cdef", 5), "ab&amp;..");
        assert_eq!(color("main"), color("main"));
    }
}
