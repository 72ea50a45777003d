"""Lowering through the JIT on small modules: semantics LLVM does not give for free."""
import subprocess

import pytest

import wasmc

wat2wasm = pytest.importorskip("wasmtime").wat2wasm


def instance(wat: str) -> wasmc.Instance:
    return wasmc.Instance(wasmc.Module(wat2wasm(wat)), {})


def test_division_traps_and_rem_of_int_min():
    e = instance("""(module
      (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "rem_s") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1))))""").exports
    with pytest.raises(wasmc.Trap, match="integer divide by zero"):
        e["div_s"](1, 0)
    with pytest.raises(wasmc.Trap, match="integer overflow"):
        e["div_s"](-2**31, -1)
    assert e["rem_s"](-2**63, -1) == 0
    assert e["div_s"](-7, 2) == -3


def test_shift_counts_are_modulo_width():
    e = instance("""(module
      (func (export "shl") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
      (func (export "rotr") (param i64 i64) (result i64) (i64.rotr (local.get 0) (local.get 1))))""").exports
    assert e["shl"](1, 33) == 2
    assert e["rotr"](1, 65) == -2**63


def test_trapping_and_saturating_truncation():
    e = instance("""(module
      (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
      (func (export "sat") (param f64) (result i32) (i32.trunc_sat_f64_u (local.get 0))))""").exports
    assert e["trunc"](-2147483648.9) == -2147483648
    with pytest.raises(wasmc.Trap, match="integer overflow"):
        e["trunc"](2147483648.0)
    with pytest.raises(wasmc.Trap, match="invalid conversion to integer"):
        e["trunc"](float("nan"))
    assert e["sat"](-5.0) == 0
    assert e["sat"](1e20) == -1          # u32 max, read back as a signed i32


def test_multi_value_and_block_params():
    e = instance("""(module
      (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
      (func (export "sum") (param i32) (result i32)
        (local.get 0) (i32.const 1)
        (block (param i32 i32) (result i32) (i32.add))))""").exports
    assert e["swap"](1, 2) == (2, 1)
    assert e["sum"](41) == 42


def test_call_indirect_checks():
    e = instance("""(module
      (type $v (func (result i32)))
      (table 3 funcref)
      (elem (i32.const 0) $a $b)
      (func $a (result i32) (i32.const 1))
      (func $b (param i32) (result i32) (local.get 0))
      (func (export "call") (param i32) (result i32) (call_indirect (type $v) (local.get 0))))""").exports
    assert e["call"](0) == 1
    with pytest.raises(wasmc.Trap, match="indirect call type mismatch"):
        e["call"](1)
    with pytest.raises(wasmc.Trap, match="uninitialized element"):
        e["call"](2)
    with pytest.raises(wasmc.Trap, match="undefined element"):
        e["call"](3)


def test_host_function_import_and_error():
    from wasmc.wasm.types import I32, FuncType
    seen = []
    log = wasmc.Func.host(FuncType((I32,), (I32,)), lambda args: (seen.append(args[0]), [args[0] * 2])[1])
    m = wasmc.Module(wat2wasm("""(module (import "env" "log" (func $log (param i32) (result i32)))
      (func (export "run") (param i32) (result i32) (call $log (local.get 0))))"""))
    assert wasmc.Instance(m, {"env": {"log": log}}).exports["run"](21) == 42
    assert seen == [21]

    def fail(args):
        raise ValueError("host says no")
    bad = wasmc.Func.host(FuncType((I32,), (I32,)), fail)
    with pytest.raises(ValueError, match="host says no"):
        wasmc.Instance(m, {"env": {"log": bad}}).exports["run"](1)


def test_trap_names_the_wasm_function():
    e = instance("""(module (memory 1)
      (func $checked_divide (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
      (func $peek (export "peek") (param i32) (result i32) (i32.load (local.get 0))))""").exports
    with pytest.raises(wasmc.Trap) as explicit:
        e["div"](1, 0)
    assert explicit.value.func == "checked_divide"
    with pytest.raises(wasmc.Trap) as fault:          # a guard-page fault, located from the signal context
        e["peek"](1 << 20)
    assert fault.value.func == "peek"


GO_STYLE_LOOP = """(module
  (func (export "f") (param $pc i32) (result i32) (local $i i32)
    (block $exit (loop $top
      (block $s1 (block $s0 (br_table $s0 $s1 $exit (local.get $pc)))
        (local.set $pc (i32.const 1)) (br $top))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.lt_u (local.get $i) (i32.const 10)) (then (local.set $pc (i32.const 1)) (br $top)))
      (local.set $pc (i32.const 2)) (br $top)))
    (local.get $i)))"""


def test_go_style_jumps_skip_the_dispatch_switch():
    """`i32.const K; local.set $pc; br $top` to a `local.get $pc; br_table` header goes straight to
    case K: only the entry reaches the switch (tests/wast/dispatch-threading.wast checks more cases)."""
    from wasmc.lower.module import lower_module
    from wasmc.wasm.decode import decode_module
    ir = lower_module(decode_module(wat2wasm(GO_STYLE_LOOP)))
    body = ir[ir.index("define"):ir.index("\n}\n")]
    loop_label = next(line[:-1] for line in body.splitlines() if line.startswith("loop"))
    assert body.count(f"label %{loop_label}") == 1      # only the entry's edge into the loop header
    e = instance(GO_STYLE_LOOP).exports
    assert e["f"](0) == 10 and e["f"](1) == 10 and e["f"](2) == 0


# Go's function shape: parameter 0 selects the resume point. $walk recurses, so its deeper calls are
# not inlined, and traps in state 1 when $n is 97.
RESUMABLE = """(module
  (func $walk (param $pc i32) (param $n i32) (result i32)
    (block $exit (loop $top
      (block $s1 (block $s0 (br_table $s0 $s1 $exit (local.get $pc)))
        (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
        (local.set $pc (i32.const 1)) (br $top))
      (if (i32.eq (local.get $n) (i32.const 97)) (then (unreachable)))
      (return (i32.add (i32.const 1)
                       (call $walk (i32.const 0) (i32.sub (local.get $n) (i32.const 1)))))))
    (i32.const -1))
  (func (export "direct") (param i32) (result i32) (call $walk (i32.const 0) (local.get 0)))
  (func (export "resume") (param i32) (result i32) (call $walk (i32.const 1) (local.get 0)))
  (global $start_n (mut i32) (i32.const 99))
  (func (export "_start") (drop (call $walk (i32.const 0) (global.get $start_n)))))"""


def test_resumable_functions_get_a_copy_for_direct_calls(tmp_path):
    """From -O2 a direct call passing 0 goes to `.direct`, the body with parameter 0 fixed; the general
    function (in its own IR module) forwards 0 there and keeps the body for other values."""
    from wasmc.lower.module import lower_module_pair
    from wasmc.wasm.decode import decode_module
    main, resume = lower_module_pair(decode_module(wat2wasm(RESUMABLE)))
    assert "define hidden i32 @wasm_func_0.direct(ptr %vmctx, i32 %p0, i32 %p1)" in main
    assert "define hidden i32 @wasm_func_0(" in resume and "define hidden i32 @wasm_func_0(" not in main
    assert "call i32 @wasm_func_0(ptr %vmctx, i32 1," in main         # non-zero: the general function
    assert main.count("call i32 @wasm_func_0.direct(") == 3            # $walk's own call, direct, _start

    e = wasmc.Instance(wasmc.Module(wat2wasm(RESUMABLE), opt_level=2), {}).exports
    assert (e["direct"](5), e["resume"](5)) == (5, 5)
    with pytest.raises(wasmc.Trap) as trap:
        e["direct"](98)
    assert trap.value.func == "walk"

    from wasmc import aot
    exe = aot.build_executable(wat2wasm(RESUMABLE), tmp_path / "app", opt_level=2)
    result = subprocess.run([str(exe)], capture_output=True, timeout=60)
    assert result.returncode == 134
    assert "error while executing at wasm function `walk`" in result.stderr.decode()  # main.c joins the words


def test_small_callees_from_other_slices_are_copied_for_inlining():
    """A slice of a parallel compile gets `available_externally` copies of the small functions it
    calls from other slices (LLVM may inline them; the defining slice emits the code)."""
    from wasmc.lower.module import lower_module_pair
    from wasmc.wasm.decode import decode_module
    m = decode_module(wat2wasm(RESUMABLE))
    main, resume = lower_module_pair(m, defined=range(1, 4), glue=False)    # all but $walk
    assert "define available_externally hidden i32 @wasm_func_0.direct(" in main
    assert "declare hidden i32 @wasm_func_0.direct(" not in main
    assert "declare hidden i32 @wasm_func_0(" in main          # `resume` calls the general function
    assert "define" not in resume       # this slice has no resumable function of its own
