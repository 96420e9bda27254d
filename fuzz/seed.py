#!/usr/bin/env python3
"""Fills fuzz/corpus/<target>/ with seeds, at run time (nothing of it is
committed): the project's .vir files (tests/cases, tests/errors, tests/link,
examples), the modules and directives of spec-tests/ and of the official
testsuite (../shared/testsuite, or $SHARED_TESTSUITE, when present), and
binaries assembled from them with target/release/vitte-wat.

Usage: fuzz/seed.py [TARGET...]   (default: every target)
"""
import hashlib, os, pathlib, subprocess, sys, tempfile

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
TESTSUITE = pathlib.Path(os.environ.get("SHARED_TESTSUITE", ROOT.parent.parent / "shared" / "testsuite"))
if not TESTSUITE.is_dir():
    TESTSUITE = (ROOT / ".." / "shared" / "testsuite").resolve()
VITTE = ROOT / "target" / "release" / "vitte-wat"
# Seeds above this are cut into pieces (spec scripts) or left out.
MAX_SEED = 16 * 1024


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > MAX_SEED:
        return
    d = FUZZ / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def top_level_forms(text):
    """The top-level s-expressions of a .wast script (comments skipped)."""
    forms, depth, start, i, n = [], 0, None, 0, len(text)
    while i < n:
        c = text[i]
        if c == ';' and text.startswith(';;', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
            continue
        if c == '(' and text.startswith('(;', i):
            k, j = 1, i + 2
            while j < n and k:
                if text.startswith('(;', j):
                    k, j = k + 1, j + 2
                elif text.startswith(';)', j):
                    k, j = k - 1, j + 2
                else:
                    j += 1
            i = j
            continue
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == '\\' else 1
            i = j + 1
            continue
        if c == '(':
            if depth == 0:
                start = i
            depth += 1
        elif c == ')' and depth:
            depth -= 1
            if depth == 0:
                forms.append(text[start:i + 1])
        i += 1
    return forms


def wast_files():
    files = sorted((ROOT / "spec-tests").rglob("*.wast"))
    if TESTSUITE.is_dir():
        files += sorted(TESTSUITE.glob("*.wast"))
    return files


def vir_files():
    files = []
    for d in ["tests/cases", "tests/errors", "tests/link", "examples"]:
        files += sorted((ROOT / d).rglob("*.vir"))
    return files


def text_modules():
    """Each plain `(module ...)` of the scripts (not binary/quote/definition)."""
    seen = set()
    for f in wast_files():
        try:
            text = f.read_text()
        except UnicodeDecodeError:
            continue
        for form in top_level_forms(text):
            head = form[:40].split()
            if form.startswith("(module") and not any(w in ("binary", "quote", "definition", "instance") for w in head[1:3]):
                if form not in seen:
                    seen.add(form)
                    yield form


def vitte(*args, stdin=None):
    if not VITTE.exists():
        return None
    r = subprocess.run([str(VITTE), *args], input=stdin, capture_output=True, timeout=60)
    return r.stdout if r.returncode == 0 else None


def seed_parse_vir():
    for f in vir_files():
        put("parse_vir", f.read_bytes())


def seed_compile_vir():
    # Any bytes are a valid tape; the .vir files and a few plain tapes give
    # the fuzzer varied starting shapes.
    for f in sorted((ROOT / "tests/cases").glob("*.vir")):
        put("compile_vir", f.read_bytes()[:4096])
    for n in [1, 16, 64, 256, 1024]:
        put("compile_vir", bytes([0]) * n)
        put("compile_vir", bytes([0xff]) * n)
        put("compile_vir", bytes(range(256)) * (n // 256 + 1))


def seed_asm_wat():
    for f in sorted((ROOT / "tests/cases").glob("*.vir")):
        for target in ["wasm64", "wasm32"]:
            out = vitte("emit", str(f), "--target", target)
            if out:
                put("asm_wat", out)
    for m in text_modules():
        put("asm_wat", m)


def seed_validate_wasm():
    with tempfile.TemporaryDirectory() as tmp:
        for f in sorted((ROOT / "tests/cases").glob("*.vir")):
            for target in ["wasm64", "wasm32"]:
                out = pathlib.Path(tmp, "o.wasm")
                if vitte("build", str(f), "--target", target, "-o", str(out)) is not None and out.exists():
                    put("validate_wasm", out.read_bytes())
        count = 0
        for m in text_modules():
            out = vitte("asm", "-", "-o", "-", stdin=m.encode())
            if out:
                put("validate_wasm", out)
                count += 1
            if count >= 1500:
                break


def seed_spec_script():
    # Scripts cut into pieces of consecutive directives, each under 4 KiB,
    # so that libFuzzer's inputs stay small and fast.
    for f in wast_files():
        try:
            forms = top_level_forms(f.read_text())
        except UnicodeDecodeError:
            continue
        piece = ""
        for form in forms:
            if piece and len(piece) + len(form) > 4096:
                put("spec_script", piece)
                piece = ""
            piece += form + "\n"
        put("spec_script", piece)


SEEDERS = {
    "parse_vir": seed_parse_vir,
    "compile_vir": seed_compile_vir,
    "asm_wat": seed_asm_wat,
    "validate_wasm": seed_validate_wasm,
    "spec_script": seed_spec_script,
}

if __name__ == "__main__":
    for name in sys.argv[1:] or SEEDERS:
        SEEDERS[name]()
        d = FUZZ / "corpus" / name
        print(f"{name}: {len(list(d.iterdir())) if d.is_dir() else 0} seeds in {d}")
