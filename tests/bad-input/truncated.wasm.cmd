dis {in} -o {out}/out.wat
validate {in}
run {in} --invoke f
compile {in} -o {out}/out.cwasm
# A binary where text is expected.
asm {in} -o {out}/out.wasm
check {in}
