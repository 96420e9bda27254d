;; Generated from tests/cases/switch_cases.vir by tests/golden.rs (wasm32): do not edit.
;; `VITTE_BLESS=1 cargo test --release --test golden` rewrites it.
(module $switch_cases
  (type $t0 (func (param i32) (result i32)))
  (type $t1 (func (param i64) (result i32)))
  (memory $memory 17 16384)
  ;; shadow stack: 0x10..0x100010, growing down
  (global $__stack_pointer (mut i32) (i32.const 1048592))
  ;; the end of the data
  (global $__data_end i32 (i32.const 16))
  ;; the first byte free for a heap
  (global $__heap_base i32 (i32.const 1048592))
  (export "http_class" (func $http_class))
  (export "signs" (func $signs))
  (export "wide" (func $wide))
  (export "tag" (func $tag))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  ;; fn @http_class
  (func $http_class (type $t0) (param $code i32) (result i32)
    block $other
      ;; entry
      local.get $code
      i32.const 301
      i32.lt_s
      if
        block $two
          ;; entry_case
          local.get $code
          i32.const 200
          i32.eq
          br_if $two
          ;; entry_case
          local.get $code
          i32.const 204
          i32.eq
          br_if $two
          br $other
        end
        ;; two
        i32.const 2
        return
      end
      ;; entry_case
      local.get $code
      i32.const 301
      i32.eq
      if
        ;; three
        i32.const 3
        return
      end
      ;; entry_case
      local.get $code
      i32.const 404
      i32.eq
      if
        ;; four
        i32.const 4
        return
      end
      ;; entry_case
      local.get $code
      i32.const 500
      i32.ne
      br_if $other
      ;; five
      i32.const 5
      return
    end
    ;; other
    i32.const 0
    return
  )
  ;; fn @signs
  (func $signs (type $t0) (param $x i32) (result i32)
    (local $case i32)
    ;; entry
    local.get $x
    i32.const -2147483648
    i32.eq
    if
      ;; min
      i32.const 98
      return
    end
    block $pass
      ;; entry_case
      local.get $x
      i32.const -2
      i32.sub
      local.set $case
      block $entry_case
        block $two
          block $pass_case_1
            block $zero
              block $pass_case
                block $minus_two
                  local.get $case
                  br_table $minus_two $pass_case $zero $pass_case_1 $two $entry_case
                end
                ;; minus_two
                i32.const 20
                return
              end
              i32.const 10
              local.set $case
              br $pass
            end
            ;; zero
            i32.const 0
            return
          end
          i32.const 11
          local.set $case
          br $pass
        end
        ;; two
        i32.const 22
        return
      end
      ;; entry_case
      local.get $x
      i32.const 2147483647
      i32.eq
      if
        ;; max
        i32.const 99
        return
      end
      ;; none
      i32.const -1
      return
    end
    ;; pass
    local.get $case
    return
  )
  ;; fn @wide
  (func $wide (type $t1) (param $x i64) (result i32)
    (local $case i64)
    (local $case_1 i32)
    block $none
      ;; entry
      local.get $x
      i64.const 1000
      i64.lt_s
      if
        ;; entry_case
        local.get $x
        i64.const -4294967296
        i64.eq
        if
          ;; r2
          i32.const 2
          return
        end
        ;; entry_case
        local.get $x
        i64.const 0
        i64.ne
        br_if $none
        ;; r0
        i32.const 0
        return
      end
      block $entry_case
        ;; entry_case
        local.get $x
        i64.const 1000
        i64.sub
        local.tee $case
        i64.const 5
        i64.ge_u
        br_if $entry_case
        ;; entry_case
        local.get $case
        i32.wrap_i64
        local.set $case_1
        block $r14
          block $r13
            block $r11
              block $r10
                local.get $case_1
                br_table $r10 $r11 $entry_case $r13 $r14 $entry_case
              end
              ;; r10
              i32.const 10
              return
            end
            ;; r11
            i32.const 11
            return
          end
          ;; r13
          i32.const 13
          return
        end
        ;; r14
        i32.const 14
        return
      end
      ;; entry_case
      local.get $x
      i64.const 4294967296
      i64.eq
      if
        ;; r1
        i32.const 1
        return
      end
      ;; entry_case
      local.get $x
      i64.const 9223372036854775807
      i64.ne
      br_if $none
      ;; r3
      i32.const 3
      return
    end
    ;; none
    i32.const -1
    return
  )
  ;; fn @tag
  (func $tag (type $t0) (param $p i32) (result i32)
    block $other
      ;; entry
      local.get $p
      i32.const 16
      i32.lt_u
      if
        ;; entry_case
        local.get $p
        i32.const 0
        i32.eq
        if
          ;; t0
          i32.const 0
          return
        end
        ;; entry_case
        local.get $p
        i32.const 8
        i32.ne
        br_if $other
        ;; t1
        i32.const 1
        return
      end
      ;; entry_case
      local.get $p
      i32.const 16
      i32.eq
      if
        ;; t2
        i32.const 2
        return
      end
      ;; entry_case
      local.get $p
      i32.const 4096
      i32.ne
      br_if $other
      ;; t3
      i32.const 3
      return
    end
    ;; other
    i32.const 7
    return
  )
)
(assert_return (invoke "http_class" (i32.const 200)) (i32.const 2))
(assert_return (invoke "http_class" (i32.const 204)) (i32.const 2))
(assert_return (invoke "http_class" (i32.const 301)) (i32.const 3))
(assert_return (invoke "http_class" (i32.const 404)) (i32.const 4))
(assert_return (invoke "http_class" (i32.const 500)) (i32.const 5))
(assert_return (invoke "http_class" (i32.const 418)) (i32.const 0))
(assert_return (invoke "http_class" (i32.const -1)) (i32.const 0))
(assert_return (invoke "signs" (i32.const -2)) (i32.const 20))
(assert_return (invoke "signs" (i32.const -1)) (i32.const 10))
(assert_return (invoke "signs" (i32.const 0)) (i32.const 0))
(assert_return (invoke "signs" (i32.const 1)) (i32.const 11))
(assert_return (invoke "signs" (i32.const 2)) (i32.const 22))
(assert_return (invoke "signs" (i32.const 3)) (i32.const -1))
(assert_return (invoke "signs" (i32.const -3)) (i32.const -1))
(assert_return (invoke "signs" (i32.const 2147483647)) (i32.const 99))
(assert_return (invoke "signs" (i32.const -2147483648)) (i32.const 98))
(assert_return (invoke "wide" (i64.const 0)) (i32.const 0))
(assert_return (invoke "wide" (i64.const 4294967296)) (i32.const 1))
(assert_return (invoke "wide" (i64.const -4294967296)) (i32.const 2))
(assert_return (invoke "wide" (i64.const 9223372036854775807)) (i32.const 3))
(assert_return (invoke "wide" (i64.const 1000)) (i32.const 10))
(assert_return (invoke "wide" (i64.const 1001)) (i32.const 11))
(assert_return (invoke "wide" (i64.const 1003)) (i32.const 13))
(assert_return (invoke "wide" (i64.const 1002)) (i32.const -1))
(assert_return (invoke "wide" (i64.const 1004)) (i32.const 14))
(assert_return (invoke "wide" (i64.const 1005)) (i32.const -1))
(assert_return (invoke "wide" (i64.const 5)) (i32.const -1))
(assert_return (invoke "tag" (i32.const 0)) (i32.const 0))
(assert_return (invoke "tag" (i32.const 8)) (i32.const 1))
(assert_return (invoke "tag" (i32.const 16)) (i32.const 2))
(assert_return (invoke "tag" (i32.const 4096)) (i32.const 3))
(assert_return (invoke "tag" (i32.const 4)) (i32.const 7))
