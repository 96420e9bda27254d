//! `naive-frontend SOURCE...`: writes each source's `.vir` next to it
//! (`bench/frontend/NAME.vf` gives `bench/frontend/NAME.vir`); `--check`
//! writes nothing and fails when a `.vir` differs from what it would write.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--check").collect();
    if files.is_empty() {
        eprintln!("usage: naive-frontend [--check] SOURCE...");
        return ExitCode::FAILURE;
    }
    let mut ok = true;
    for file in files {
        let path = Path::new(file);
        let out = path.with_extension("vir");
        let result = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|src| {
                naive_frontend::compile_to_vir(&src).map_err(|e| format!("{file}:{e}"))
            });
        match result {
            Err(e) => {
                eprintln!("error: {e}");
                ok = false;
            }
            Ok(text) if check => {
                if std::fs::read_to_string(&out).ok().as_deref() != Some(text.as_str()) {
                    eprintln!("error: {} is not what {file} gives", out.display());
                    ok = false;
                }
            }
            Ok(text) => {
                if let Err(e) = std::fs::write(&out, text) {
                    eprintln!("error: {}: {e}", out.display());
                    ok = false;
                }
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
