;; The bare-wasmi firmware's module; src/module.rs holds it encoded.
(module
  (import "env" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 16) "bare wasmi ran the loop")
  ;; h = h * 31 + i for i in 0..n, from h = 7; then log the string.
  (func (export "run") (param $n i32) (result i32)
    (local $i i32)
    (local $h i32)
    (local.set $h (i32.const 7))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $log (i32.const 16) (i32.const 23))
    (local.get $h)))
