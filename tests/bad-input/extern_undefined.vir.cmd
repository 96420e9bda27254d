# `check` accepts a compilation unit with externs; everything that needs a
# whole module refuses it.
emit {in} -o {out}/out.wat
build {in} -o {out}/out.wasm
validate {in}
interp {in} --invoke f
run {in} --invoke f
compile {in} -o {out}/out.cwasm
