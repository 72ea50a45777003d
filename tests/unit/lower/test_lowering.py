"""Lowering through the JIT on small modules: semantics LLVM does not give for free."""
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
