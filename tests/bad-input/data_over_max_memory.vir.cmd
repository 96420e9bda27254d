check {in}
emit {in} -o {out}/out.wat
emit {in} --target wasm32 -o {out}/out.wat
build {in} -o {out}/out.wasm
build --direct {in} --target wasm32 -o {out}/out.wasm
interp {in} --invoke f
interp {in} --target wasm32 --invoke f
run {in} --invoke f
link {in} -o {out}/out.wasm
