#!/usr/bin/env bash
# Regenerates bench/frontend/NAME.vir from each NAME.nf with the naive
# frontend (crates/naive-frontend). The .vir files are checked in, and
# tests/frontend_programs.rs fails when one differs from what this writes:
# edit the .nf (or the frontend), never the .vir.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked --quiet -p naive-frontend
target/release/naive-frontend bench/frontend/*.nf
