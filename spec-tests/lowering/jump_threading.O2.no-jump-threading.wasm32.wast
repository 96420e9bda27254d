;; Generated from tests/cases/jump_threading.vir by tests/golden.rs (wasm32, -O2 no-jump-threading): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $jump_threading
  (type $t0 (func (param i32 i32 i32) (result i32)))
  (type $t1 (func (param i32 i32) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "in_range" (func $in_range))
  (export "pick" (func $pick))
  (export "same" (func $same))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @in_range
  (func $in_range (type $t0) (param $x i32) (param $lo i32) (param $hi i32) (result i32)
    (local $a i32)
    ;; entry
    local.get $x
    local.get $lo
    i32.ge_s
    local.tee $a
    if
      ;; rhs
      local.get $x
      local.get $hi
      i32.lt_s
      local.set $a
    end
    ;; join
    local.get $a
    if
      ;; yes
      i32.const 1
      return
    end
    ;; no
    i32.const 0
    return
  )
  ;; fn @pick
  (func $pick (type $t1) (param $c i32) (param $x i32) (result i32)
    (local $h i32)
    (local $v i32)
    ;; entry
    local.get $c
    if
      ;; a
      local.get $x
      local.get $x
      i32.mul
      local.set $h
      i32.const 1
      local.get $h
      local.set $v
      local.set $h
    else
      ;; b
      i32.const 2
      local.set $h
      ;; hop
      local.get $x
      local.set $v
    end
    block $zero
      ;; sel
      block $second_case
        block $first_case
          local.get $h
          br_table $zero $first_case $second_case $zero
        end
        local.get $v
        local.tee $h
        ;; first
        return
      end
      local.get $v
      local.tee $h
      ;; second
      i32.const 2
      i32.add
      return
    end
    ;; zero
    i32.const 0
    return
  )
  ;; fn @same
  (func $same (type $t1) (param $x i32) (param $y i32) (result i32)
    (local $r i32)
    ;; entry
    local.get $x
    local.get $y
    i32.add
    local.tee $r
    ;; out
    return
  )
)
(assert_return (invoke "in_range" (i32.const 5) (i32.const 0) (i32.const 10)) (i32.const 1))
(assert_return (invoke "in_range" (i32.const -1) (i32.const 0) (i32.const 10)) (i32.const 0))
(assert_return (invoke "in_range" (i32.const 10) (i32.const 0) (i32.const 10)) (i32.const 0))
(assert_return (invoke "pick" (i32.const 1) (i32.const 7)) (i32.const 49))
(assert_return (invoke "pick" (i32.const 0) (i32.const 7)) (i32.const 9))
(assert_return (invoke "same" (i32.const 3) (i32.const 4)) (i32.const 7))
