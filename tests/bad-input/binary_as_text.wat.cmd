# A wasm binary named .wat: `asm` wants text (validate, run and compile
# go by the content and accept it).
asm {in} -o {out}/out.wasm
