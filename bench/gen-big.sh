#!/usr/bin/env bash
# Writes a large IR module to stdout (deterministic): N public functions
# (default 4000), each a three-iteration loop of integer arithmetic that then
# calls the previous one, so `--invoke fN-1 1` runs them all. Used by
# bench/startup.sh.
N=${1:-4000}
printf 'pub fn @f0(%%x: i32) -> i32 {\nentry:\n  return %%x\n}\n'
for ((i = 1; i < N; i++)); do cat <<F
pub fn @f$i(%x: i32) -> i32 {
entry:
  %zero = i32.const 0
  jump loop(%zero, %x)
loop(%i: i32, %acc: i32):
  %k = i32.const $i
  %m = i32.mul %acc, %k
  %s = i32.add %m, %i
  %r = i32.rotl %s, %k
  %one = i32.const 1
  %i1 = i32.add %i, %one
  %three = i32.const 3
  %more = i32.lt_u %i1, %three
  brif %more, loop(%i1, %r), done(%r)
done(%v: i32):
  %w = call @f$((i - 1))(%v)
  return %w
}
F
done
