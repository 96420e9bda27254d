;; Generated from tests/cases/data.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $data
  (type $t0 (func (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x50..0x100050, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048656))
  ;; the end of the data
  (global $__data_end i32 (i32.const 73))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048656))
  (export "strlen_hello" (func $strlen_hello))
  (export "second_word" (func $second_word))
  (export "table_sum" (func $table_sum))
  (export "follow" (func $follow))
  (export "iovec_len" (func $iovec_len))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @strlen_hello
  (func $strlen_hello (type $t0) (result i32)
    (local $q i32)
    (local $n i32)
    ;; entry
    i32.const 16
    i32.const 0
    local.set $n
    local.set $q
    block $loop_exit
      ;; loop
      local.get $q
      i32.load8_u
      i32.eqz
      br_if $loop_exit
      loop $loop
        ;; next
        local.get $q
        i32.const 1
        i32.add
        local.get $n
        i32.const 1
        i32.add
        local.set $n
        local.tee $q
        ;; loop
        i32.load8_u
        br_if $loop
      end
    end
    ;; done
    local.get $n
    return
  )
  ;; fn @second_word
  (func $second_word (type $t0) (result i32)
    ;; entry
    i32.const 32
    i32.load
    i32.load8_u
    return
  )
  ;; fn @table_sum
  (func $table_sum (type $t0) (result i32)
    (local $t i32)
    (local $a i32)
    (local $b i32)
    (local $c i32)
    ;; entry
    i32.const 36
    local.tee $t
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
  ;; fn @follow
  (func $follow (type $t0) (result i32)
    (local $c i32)
    ;; entry
    i32.const 48
    local.tee $c
    i32.load offset=8
    i32.load
    drop
    local.get $c
    i32.load8_u
    return
  )
  ;; fn @iovec_len
  (func $iovec_len (type $t0) (result i32)
    (local $iov i32)
    ;; entry
    i32.const 64
    local.tee $iov
    i32.const 72
    local.get $iov
    i32.sub
    i32.const 1
    i32.shr_u
    i32.add
    i32.load
    return
  )
  ;; data @hello
  (data $hello (memory $memory) (i32.const 16) "Hello, world!\00")
  ;; data @words
  (data $words (memory $memory) (i32.const 32) "\17\00\00\00")
  ;; data @numbers
  (data $numbers (memory $memory) (i32.const 36) "\0a\00\00\00\14\00\00\00\1e\00\00\00")
  ;; data @chain
  (data $chain (memory $memory) (i32.const 48) "!\00\00\00\00\00\00\00(\00\00\00")
  ;; data @iovec
  (data $iovec (memory $memory) (i32.const 64) "\10\00\00\00\0d\00\00\00")
)
(assert_return (invoke "strlen_hello") (i32.const 13))
(assert_return (invoke "second_word") (i32.const 119))
(assert_return (invoke "table_sum") (i32.const 60))
(assert_return (invoke "follow") (i32.const 33))
(assert_return (invoke "iovec_len") (i32.const 13))
