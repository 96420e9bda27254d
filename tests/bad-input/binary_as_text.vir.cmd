# A wasm binary named .vir.
check {in}
emit {in} -o {out}/out.wat
build {in} -o {out}/out.wasm
interp {in} --invoke f
link {in} -o {out}/out.wasm
