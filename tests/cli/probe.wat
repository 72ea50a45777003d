;; A WASI command that shows what it was given, for comparing wasmc's command line with wasmtime's.
;; argv[1] picks what to do: "args", "env", "cat PATH" (PATH inside the first preopened directory; prints
;; the directory's guest name first), "grow PAGES" (prints memory.grow's result), "recurse DEPTH",
;; "trap" (unreachable). The exports add, grow and recurse are for --invoke.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: iovec and scratch; 64: "\n"; 128: digits; 1024: argv pointers; 4096: environ pointers;
  ;; 8192: argv strings; 24576: environ strings; 49152: file contents.
  (data (i32.const 64) "\n")
  (data (i32.const 80) "error\n")

  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $strlen (param $p i32) (result i32) (local $n i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $n))

  (func $println (param $p i32)
    (call $write (i32.const 1) (local.get $p) (call $strlen (local.get $p)))
    (call $write (i32.const 1) (i32.const 64) (i32.const 1)))

  (func $atoi (param $p i32) (result i32) (local $n i32) (local $c i32)
    (block $done (loop $next
      (local.set $c (i32.load8_u (local.get $p)))
      (br_if $done (i32.ge_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
      (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (i32.sub (local.get $c) (i32.const 48))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next)))
    (local.get $n))

  ;; Signed decimal and a newline.
  (func $print_i32 (param $v i32) (local $p i32) (local $neg i32)
    (local.set $p (i32.const 160))
    (i32.store8 (local.get $p) (i32.const 10))
    (local.set $neg (i32.lt_s (local.get $v) (i32.const 0)))
    (if (local.get $neg) (then (local.set $v (i32.sub (i32.const 0) (local.get $v)))))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $digit (local.get $v)))
    (if (local.get $neg) (then
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.const 45))))
    (call $write (i32.const 1) (local.get $p) (i32.sub (i32.const 161) (local.get $p))))

  ;; Print each NUL-terminated string of a pointer array.
  (func $print_all (param $ptrs i32) (param $count i32) (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (call $println (i32.load (i32.add (local.get $ptrs) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))

  (func $fail
    (call $write (i32.const 2) (i32.const 80) (i32.const 6))
    (call $proc_exit (i32.const 1)))

  (func $cat (param $path i32) (local $n i32)
    ;; The first preopen (fd 3): its guest name (written without a NUL into zeroed memory), then the file.
    (if (call $fd_prestat_dir_name (i32.const 3) (i32.const 49152) (i32.const 1024)) (then (call $fail)))
    (call $write (i32.const 1) (i32.const 49152) (call $strlen (i32.const 49152)))
    (call $write (i32.const 1) (i32.const 64) (i32.const 1))
    (if (call $path_open (i32.const 3) (i32.const 0) (local.get $path) (call $strlen (local.get $path))
                         (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 16))
      (then (call $fail)))
    (i32.store (i32.const 0) (i32.const 49152))
    (i32.store (i32.const 4) (i32.const 8192))
    (if (call $fd_read (i32.load (i32.const 16)) (i32.const 0) (i32.const 1) (i32.const 8)) (then (call $fail)))
    (call $write (i32.const 1) (i32.const 49152) (i32.load (i32.const 8))))

  (func $recurse (export "recurse") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $recurse (i32.sub (local.get $n) (i32.const 1)))))))

  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))

  (func (export "_start") (local $argc i32) (local $envc i32) (local $cmd i32) (local $arg i32)
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (local.set $argc (i32.load (i32.const 16)))
    (drop (call $args_get (i32.const 1024) (i32.const 8192)))
    (drop (call $environ_sizes_get (i32.const 16) (i32.const 20)))
    (local.set $envc (i32.load (i32.const 16)))
    (drop (call $environ_get (i32.const 4096) (i32.const 24576)))
    (if (i32.lt_u (local.get $argc) (i32.const 2)) (then (call $print_all (i32.const 1024) (local.get $argc)) (return)))
    (local.set $cmd (i32.load8_u (i32.load (i32.const 1028))))
    (local.set $arg (if (result i32) (i32.ge_u (local.get $argc) (i32.const 3))
                      (then (i32.load (i32.const 1032))) (else (i32.const 64))))
    (if (i32.eq (local.get $cmd) (i32.const 97))     ;; a: args
      (then (call $print_all (i32.const 1024) (local.get $argc)) (return)))
    (if (i32.eq (local.get $cmd) (i32.const 101))    ;; e: env
      (then (call $print_all (i32.const 4096) (local.get $envc)) (return)))
    (if (i32.eq (local.get $cmd) (i32.const 99))     ;; c: cat PATH
      (then (call $cat (local.get $arg)) (return)))
    (if (i32.eq (local.get $cmd) (i32.const 103))    ;; g: grow PAGES
      (then (call $print_i32 (memory.grow (call $atoi (local.get $arg)))) (return)))
    (if (i32.eq (local.get $cmd) (i32.const 114))    ;; r: recurse DEPTH
      (then (call $print_i32 (call $recurse (call $atoi (local.get $arg)))) (return)))
    (if (i32.eq (local.get $cmd) (i32.const 116))    ;; t: trap
      (then unreachable))
    (call $fail))
)
