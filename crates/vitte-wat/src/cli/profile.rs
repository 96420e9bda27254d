//! Profiles of `run --profile OUT` (written in a format chosen by OUT's
//! extension or `--profile-format`) and the report of `vitte-wat profile`.

use super::Failure;
use super::io::Output;
use clap::ValueEnum;
use std::path::Path;
use std::time::Duration;
use vitte_runtime::Profile;
use vitte_runtime::profile::Hot;

/// What `--profile OUT` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProfileFormat {
    /// Folded stacks, `outer;inner N` lines (.folded, .txt).
    Folded,
    /// The Firefox profiler's processed-profile JSON (.json).
    Firefox,
    /// A flame graph (.svg).
    Svg,
    /// The flame graph and tables of the hottest functions and lines (.html).
    Html,
}

/// Rows of each table of the terminal report.
const REPORT_ROWS: usize = 10;

/// The format `--profile-format` names, else the one of OUT's extension.
pub fn format_of(out: &Path, explicit: Option<ProfileFormat>) -> Result<ProfileFormat, Failure> {
    if let Some(format) = explicit {
        return Ok(format);
    }
    let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("");
    Ok(match ext.to_ascii_lowercase().as_str() {
        "folded" | "txt" => ProfileFormat::Folded,
        "json" => ProfileFormat::Firefox,
        "svg" => ProfileFormat::Svg,
        "html" | "htm" => ProfileFormat::Html,
        _ => {
            return Err(Failure::error(format!(
                "--profile {}: unknown extension; use .folded, .txt, .json, .svg or .html, \
                 or --profile-format",
                out.display()
            )));
        }
    })
}

/// `--profile-interval`: a duration, at least a microsecond (a zero
/// interval would tick without end).
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let interval = super::run::parse_duration(text)?;
    if interval < Duration::from_micros(1) {
        return Err(format!("interval `{text}` is shorter than 1us"));
    }
    Ok(interval)
}

/// Writes the profile of `program` to `out` (atomically, as every output).
pub fn write(
    profile: &Profile,
    out: &Path,
    format: ProfileFormat,
    program: &str,
) -> Result<(), Failure> {
    let text = match format {
        ProfileFormat::Folded => profile.folded(),
        ProfileFormat::Firefox => profile.firefox_json(program),
        ProfileFormat::Svg => profile.flame_svg(),
        ProfileFormat::Html => profile.html(program),
    };
    Output::new(Some(out), Output::Stdout).write_text(&text)
}

/// The terminal report: the hottest functions and IR lines, as `perf
/// report` lists symbols.
pub fn report(profile: &Profile) -> String {
    let total = profile.samples.len() as u64;
    let mut out = format!("# {total} samples, one every {:?}", profile.interval);
    out.push_str(&threads_line(profile));
    out.push('\n');
    section(&mut out, "Function", &profile.hottest_functions(), total);
    section(&mut out, "IR line", &profile.hottest_lines(), total);
    out
}

/// `; in 3 threads: main 120, thread 1 40, thread 2 38` for a program that
/// spawned threads (the tables count every thread's samples), else nothing.
fn threads_line(profile: &Profile) -> String {
    let mut counts: std::collections::BTreeMap<u32, u64> = Default::default();
    for sample in &profile.samples {
        *counts.entry(sample.thread).or_default() += 1;
    }
    if counts.keys().all(|&t| t == 0) {
        return String::new();
    }
    counts.entry(0).or_default();
    let each: Vec<String> = (counts.iter())
        .map(|(&t, n)| match t {
            0 => format!("main {n}"),
            t => format!("thread {t} {n}"),
        })
        .collect();
    format!("; in {} threads: {}", counts.len(), each.join(", "))
}

fn section(out: &mut String, what: &str, rows: &[Hot], total: u64) {
    out.push_str(&format!(
        "\n# {:>7} {:>7} {:>9}  {what}\n",
        "Self", "Total", "Samples"
    ));
    for row in rows.iter().take(REPORT_ROWS) {
        let pct = |n| n as f64 * 100.0 / total.max(1) as f64;
        out.push_str(&format!(
            "  {:>6.2}% {:>6.2}% {:>9}  {}\n",
            pct(row.self_samples),
            pct(row.total_samples),
            row.self_samples,
            row.name
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        let of = |p: &str| format_of(Path::new(p), None).ok();
        assert_eq!(of("p.folded"), Some(ProfileFormat::Folded));
        assert_eq!(of("p.txt"), Some(ProfileFormat::Folded));
        assert_eq!(of("p.json"), Some(ProfileFormat::Firefox));
        assert_eq!(of("dir/p.SVG"), Some(ProfileFormat::Svg));
        assert_eq!(of("p.html"), Some(ProfileFormat::Html));
        assert_eq!(of("p.data"), None);
        assert_eq!(of("p"), None);
        let explicit = format_of(Path::new("p"), Some(ProfileFormat::Svg)).ok();
        assert_eq!(explicit, Some(ProfileFormat::Svg));
    }

    #[test]
    fn intervals() {
        // `--profile-interval`'s default, written as text for clap.
        assert_eq!(
            parse_interval("1ms"),
            Ok(vitte_runtime::profile::DEFAULT_INTERVAL)
        );
        assert_eq!(parse_interval("100us"), Ok(Duration::from_micros(100)));
        assert!(parse_interval("0").is_err());
        assert!(parse_interval("0.1us").is_err());
        assert!(parse_interval("x").is_err());
    }
}
