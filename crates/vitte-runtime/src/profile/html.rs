//! The HTML report: the flame graph, then the hottest functions and IR
//! lines in tables. One file, no script and no external resource, and
//! well-formed XML too (XHTML syntax), so that a plain XML parser checks it.

use super::{Hot, Profile, percent, xml_escape};

/// Rows of each table: the head of the distribution is what matters.
const ROWS: usize = 30;

impl Profile {
    /// The report, titled `title` (the program's name).
    pub fn html(&self, title: &str) -> String {
        let title = xml_escape(title);
        let total = self.samples.len() as u64;
        format!(
            "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n\
             <meta charset=\"utf-8\"/>\n<title>Profile of {title}</title>\n<style>\n\
             body {{ font-family: sans-serif; margin: 1em 2em; }}\n\
             table {{ border-collapse: collapse; margin-bottom: 2em; }}\n\
             th, td {{ border: 1px solid #ccc; padding: 2px 8px; }}\n\
             td.n {{ text-align: right; font-family: monospace; }}\n\
             svg rect:hover {{ stroke: black; }}\n</style>\n</head>\n<body>\n\
             <h1>Profile of {title}</h1>\n\
             <p id=\"summary\">{total} samples, one every {:?}.</p>\n{}\
             <h2>Hottest functions</h2>\n{}<h2>Hottest IR lines</h2>\n{}</body>\n</html>\n",
            self.interval,
            self.flame_svg(),
            table("functions", "Function", &self.hottest_functions(), total),
            table("lines", "IR line", &self.hottest_lines(), total),
        )
    }
}

fn table(id: &str, what: &str, rows: &[Hot], total: u64) -> String {
    let mut out = format!(
        "<table id=\"{id}\">\n<tr><th>{what}</th><th>Self</th><th>Self %</th>\
         <th>Total</th><th>Total %</th></tr>\n"
    );
    for row in rows.iter().take(ROWS) {
        out.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}%</td>\
             <td class=\"n\">{}</td><td class=\"n\">{:.1}%</td></tr>\n",
            xml_escape(&row.name),
            row.self_samples,
            percent(row.self_samples, total),
            row.total_samples,
            percent(row.total_samples, total),
        ));
    }
    out.push_str("</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample_profile;

    #[test]
    fn report_has_the_graph_and_both_tables() {
        let html = sample_profile().html("f<1>.vir");
        assert!(html.contains("<title>Profile of f&lt;1&gt;.vir</title>"));
        assert!(html.contains("<svg xmlns"));
        assert!(html.contains(
            "<tr><td>heavy</td><td class=\"n\">3</td><td class=\"n\">75.0%</td>\
             <td class=\"n\">3</td><td class=\"n\">75.0%</td></tr>"
        ));
        assert!(html.contains("<tr><td>f.vir:9</td>"));
        assert!(html.contains("<p id=\"summary\">4 samples, one every 1ms.</p>"));
    }
}
