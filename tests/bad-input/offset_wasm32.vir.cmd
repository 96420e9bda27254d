check {in}
emit {in} --target wasm32 -o {out}/out.wat
build {in} --target wasm32 -o {out}/out.wasm
