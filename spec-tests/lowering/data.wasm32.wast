;; Generated from tests/cases/data.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $data
  (type $t0 (func (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x40..0x100040, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048640))
  ;; the end of the data
  (global $__data_end i32 (i32.const 60))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048640))
  (export "strlen_hello" (func $strlen_hello))
  (export "second_word" (func $second_word))
  (export "table_sum" (func $table_sum))
  (export "follow" (func $follow))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @strlen_hello, line 12
  (func $strlen_hello (type $t0) (result i32)
    (local $q i32)
    (local $n i32)
    ;; entry, line 13
    i32.const 16
    i32.const 0
    local.set $n
    local.set $q
    loop $loop
      ;; loop, line 17
      local.get $q
      i32.load8_u
      i32.eqz
      if
        ;; done, line 27
        local.get $n
        return
      end
      ;; next, line 21
      local.get $q
      i32.const 1
      i32.add
      local.get $n
      i32.const 1
      i32.add
      local.set $n
      local.set $q
      br $loop
    end
    unreachable
  )
  ;; fn @second_word, line 32
  (func $second_word (type $t0) (result i32)
    ;; entry, line 33
    i32.const 32
    i32.load
    i32.load8_u
    return
  )
  ;; fn @table_sum, line 40
  (func $table_sum (type $t0) (result i32)
    (local $t i32)
    (local $a i32)
    (local $b i32)
    (local $c i32)
    ;; entry, line 41
    i32.const 36
    local.set $t
    local.get $t
    i32.load
    local.set $a
    local.get $t
    i32.load offset=4
    local.set $b
    local.get $t
    i32.load offset=8
    local.set $c
    local.get $a
    local.get $b
    i32.add
    local.get $c
    i32.add
    return
  )
  ;; fn @follow, line 52
  (func $follow (type $t0) (result i32)
    (local $c i32)
    (local $v i32)
    (local $b i32)
    ;; entry, line 53
    i32.const 48
    local.set $c
    local.get $c
    i32.load offset=8
    i32.load
    local.set $v
    local.get $c
    i32.load8_u
    local.set $b
    local.get $v
    local.get $v
    i32.sub
    local.get $b
    i32.add
    return
  )
  ;; data @hello, line 7
  (data $hello (memory $memory) (i32.const 16) "Hello, world!\00")
  ;; data @words, line 8
  (data $words (memory $memory) (i32.const 32) "\17\00\00\00")
  ;; data @numbers, line 9
  (data $numbers (memory $memory) (i32.const 36) "\0a\00\00\00\14\00\00\00\1e\00\00\00")
  ;; data @chain, line 10
  (data $chain (memory $memory) (i32.const 48) "!\00\00\00\00\00\00\00(\00\00\00")
)
(assert_return (invoke "strlen_hello") (i32.const 13))
(assert_return (invoke "second_word") (i32.const 119))
(assert_return (invoke "table_sum") (i32.const 60))
(assert_return (invoke "follow") (i32.const 33))
