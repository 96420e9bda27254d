(module $once
  (type $t0 (func (param i64) (result i32)))
  (type $t1 (func (param i32 i64)))
  (type $t2 (func (result i64 i64 i32 i32)))
  (type $t3 (func))
  (type $t4 (func (param i32)))
  (import "wasi" "thread-spawn" (func $spawn (type $t0) (param i64) (result i32)))
  (import "env" "memory" (memory $memory i64 17 16384 shared))
  ;; shadow stack: 0x2060..0x102060, growing down
  (global $__stack_pointer (mut i64) (i64.const 1056864))
  ;; threads: the running thread's lowest stack address
  (global $__stack_limit (mut i64) (i64.const 8288))
  ;; the end of the data
  (global $__data_end i64 (i64.const 8288))
  ;; the first byte free for a heap
  (global $__heap_base i64 (i64.const 1056864))
  (export "wasi_thread_start" (func $wasi_thread_start))
  (export "main" (func $main))
  (export "memory" (memory $memory))
  (export "__data_end" (global $__data_end))
  (export "__heap_base" (global $__heap_base))
  (start $__init_memory)
  ;; fn @wasi_thread_start
  (func $wasi_thread_start (type $t1) (param $tid i32) (param $arg i64)
    (local $c64 i64)
    (local $o i64)
    (local $seen i64)
    ;; this thread's stack: low .. low + size, from its thread block
    local.get $arg
    i64.load
    global.set $__stack_limit
    local.get $arg
    i64.load offset=8
    global.get $__stack_limit
    i64.add
    i64.const -16
    i64.and
    global.set $__stack_pointer
    global.get $__stack_pointer
    global.get $__stack_limit
    i64.lt_u
    if
      unreachable
    end
    ;; entry
    local.get $tid
    i32.const 1
    i32.eq
    if
      ;; look
      i64.const 16
      i32.load
      i64.extend_i32_u
      local.set $c64
      i64.const 24
      i64.load
      local.set $o
      i64.const 32
      local.tee $seen
      local.get $c64
      i64.store
      local.get $seen
      local.get $o
      i64.store offset=8
    end
    ;; done
    i64.const 48
    local.tee $seen
    i32.const 1
    i32.atomic.rmw.add
    drop
    local.get $seen
    i32.const 1
    memory.atomic.notify
    drop
    return
  )
  ;; fn @main
  (func $main (type $t2) (result i64 i64 i32 i32)
    (local $t0 i32)
    (local $t1 i32)
    (local $done i64)
    (local $now i32)
    ;; entry
    i64.const 16
    i32.const 42
    i32.store
    i64.const 8256
    call $start
    local.set $t0
    i64.const 8272
    call $start
    local.set $t1
    ;; join.entry
    i64.const 48
    local.set $done
    block $join.check_exit
      ;; join.check
      local.get $done
      i32.atomic.load
      local.tee $now
      i32.const 2
      i32.eq
      br_if $join.check_exit
      loop $join.check
        ;; join.sleep
        local.get $done
        local.get $now
        i64.const -1
        memory.atomic.wait32
        drop
        ;; join.check
        local.get $done
        i32.atomic.load
        local.tee $now
        i32.const 2
        i32.ne
        br_if $join.check
      end
    end
    ;; entry.after
    i64.const 32
    local.tee $done
    i64.load
    local.get $done
    i64.load offset=8
    local.get $t0
    local.get $t1
    return
  )
  ;; fn @start
  (func $start (type $t0) (param $block i64) (result i32)
    (local $tid i32)
    ;; entry
    local.get $block
    call $spawn
    local.tee $tid
    i32.const 0
    i32.gt_s
    if
      ;; done
      local.get $tid
      return
    end
    ;; fail
    unreachable
  )
  ;; threads: the data, written once for all the threads
  (func $__init_memory (type $t3)
    ;; byte 8: 0 before, 1 while an instance writes the data, 2 after
    i64.const 8
    i32.const 0
    i32.const 1
    i32.atomic.rmw.cmpxchg
    i32.eqz
    if
      ;; the first instance: write the segments, then say so
      i64.const 16
      i32.const 0
      i32.const 4
      memory.init $cell
      i64.const 24
      i32.const 0
      i32.const 8
      memory.init $other
      i64.const 8256
      i32.const 0
      i32.const 16
      memory.init $block0
      i64.const 8272
      i32.const 0
      i32.const 16
      memory.init $block1
      i64.const 8
      i32.const 2
      i32.atomic.store
      i64.const 8
      i32.const -1
      memory.atomic.notify
      drop
    else
      ;; another instance writes them: wait until it is done
      block $done
        loop $wait
          i64.const 8
          i32.atomic.load
          i32.const 2
          i32.eq
          br_if $done
          i64.const 8
          i32.const 1
          i64.const -1
          memory.atomic.wait32
          drop
          br $wait
        end
      end
    end
    data.drop $cell
    data.drop $other
    data.drop $block0
    data.drop $block1
  )
  ;; data @cell
  (data $cell "\07\00\00\00")
  ;; data @other
  (data $other "\d2\04\00\00\00\00\00\00")
  ;; data @block0
  (data $block0 "@\00\00\00\00\00\00\00\00\10\00\00\00\00\00\00")
  ;; data @block1
  (data $block1 "@\10\00\00\00\00\00\00\00\10\00\00\00\00\00\00")
)
