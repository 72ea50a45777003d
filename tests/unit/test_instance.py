"""wasmc.Instance: linking every kind of import (host externs and other instances' exports), WASI only
when asked for, segments and the start function through runtime_c/instance.c, and what keeps an
instance alive."""
from __future__ import annotations

import gc

import pytest

import wasmc
from wasmc.wasi import Wasi, WasiConfig
from wasmc.wasm.types import F64, FUNCREF, I32, FuncType, GlobalType, Limits, MemoryType, TableType

wat2wasm = pytest.importorskip("wasmtime").wat2wasm


def module(wat: str) -> wasmc.Module:
    return wasmc.Module(wat2wasm(wat), opt_level=0)


EXPORTER = module("""(module
  (memory (export "mem") 1 2)
  (table (export "tab") 4 funcref)
  (global (export "g") (mut i32) (i32.const 7))
  (func (export "seven") (result i32) (i32.const 7)))""")

IMPORTER = module("""(module
  (import "m" "mem" (memory 1))
  (import "m" "tab" (table 4 funcref))
  (import "m" "g" (global $g (mut i32)))
  (import "m" "seven" (func $seven (result i32)))
  (import "env" "double" (func $double (param i32) (result i32)))
  (elem (i32.const 1) $seven $twice)
  (data (i32.const 0) "\\2a")
  (func $twice (result i32) (call $double (call $seven)))
  (func (export "sum") (result i32)
    (i32.add (i32.add (global.get $g) (i32.load8_u (i32.const 0)))
             (call_indirect (result i32) (i32.const 2)))))""")


def test_imports_of_every_kind_are_shared():
    exporter = wasmc.Instance(EXPORTER, {})
    double = wasmc.Func.host(FuncType((I32,), (I32,)), lambda args: [args[0] * 2])
    importer = wasmc.Instance(IMPORTER, {"m": exporter.exports, "env": {"double": double}})
    assert importer.exports["sum"]() == 7 + 42 + 14
    assert exporter.exports["mem"].read(0, 1) == b"\x2a"               # the data segment, in m's memory
    assert exporter.exports["tab"].get_raw(0) is None and exporter.exports["tab"].get_raw(2) is not None
    exporter.exports["g"].set_raw(1)
    assert importer.exports["sum"]() == 1 + 42 + 14


def test_host_externs_can_be_imported():
    mem, tab = wasmc.Memory(MemoryType(Limits(1, 2))), wasmc.Table(TableType(FUNCREF, Limits(4, None)))
    g = wasmc.Global(GlobalType(I32, True), 100)
    seven = wasmc.Func.host(FuncType((), (I32,)), lambda args: [7])
    double = wasmc.Func.host(FuncType((I32,), (I32,)), lambda args: [args[0] * 2])
    instance = wasmc.Instance(IMPORTER, {"m": {"mem": mem, "tab": tab, "g": g, "seven": seven},
                                         "env": {"double": double}})
    assert instance.exports["sum"]() == 100 + 42 + 14
    assert mem.read(0, 1) == b"\x2a"


def test_wasi_imports_need_wasi():
    hello = module('(module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32))))')
    with pytest.raises(wasmc.LinkError, match=r"sched_yield has not been defined \(WASI is linked only when "
                                              r"the Instance is given wasi=Wasi\(WasiConfig"):
        wasmc.Instance(hello, {})
    with Wasi(WasiConfig()) as wasi:
        wasmc.Instance(hello, {}, wasi=wasi)


def test_wasi_functions_can_be_overridden():
    m = module("""(module (import "wasi_snapshot_preview1" "sched_yield" (func $y (result i32)))
      (func (export "y") (result i32) (call $y)))""")
    mine = wasmc.Func.host(FuncType((), (I32,)), lambda args: [5])
    with Wasi(WasiConfig()) as wasi:
        assert wasmc.Instance(m, {"wasi_snapshot_preview1": {"sched_yield": mine}}, wasi=wasi).exports["y"]() == 5
        assert wasmc.Instance(m, {}, wasi=wasi).exports["y"]() == 0


def test_segment_out_of_bounds_stops_instantiation_and_keeps_earlier_writes():
    exporter = wasmc.Instance(EXPORTER, {})
    failing = module("""(module
      (import "m" "tab" (table 4 funcref))
      (import "m" "mem" (memory 1))
      (func $f (result i32) (i32.const 99))
      (elem (i32.const 3) $f)
      (elem (i32.const 4) $f)
      (data (i32.const 0) "never"))""")
    with pytest.raises(wasmc.InstantiationError, match="out of bounds table access") as e:
        wasmc.Instance(failing, {"m": exporter.exports})
    assert e.value.trap.kind == "table_oob"
    assert exporter.exports["mem"].read(0, 5) == bytes(5)              # data segments never ran
    gc.collect()   # the table keeps the failed instance, whose function it now holds, alive
    call = module("""(module (import "m" "tab" (table 4 funcref))
      (func (export "call3") (result i32) (call_indirect (result i32) (i32.const 3))))""")
    assert wasmc.Instance(call, {"m": exporter.exports}).exports["call3"]() == 99


def test_data_written_before_a_failing_segment_stays():
    exporter = wasmc.Instance(EXPORTER, {})
    failing = module("""(module (import "m" "mem" (memory 1))
      (data (i32.const 0) "ok") (data (i32.const 65535) "xx") (data (i32.const 2) "never"))""")
    with pytest.raises(wasmc.InstantiationError, match="out of bounds memory access") as e:
        wasmc.Instance(failing, {"m": exporter.exports})
    assert e.value.trap.kind == "memory_oob"
    assert exporter.exports["mem"].read(0, 7) == b"ok" + bytes(5)


def test_start_function_traps_and_host_errors_are_raised():
    trapping = module('(module (func $boom (unreachable)) (start $boom))')
    with pytest.raises(wasmc.Trap, match="unreachable") as e:
        wasmc.Instance(trapping, {})
    assert e.value.func == "boom"

    def fail(args):
        raise KeyError("from the host")
    calling = module('(module (import "env" "f" (func $f)) (start $f))')
    with pytest.raises(KeyError, match="from the host"):
        wasmc.Instance(calling, {"env": {"f": wasmc.Func.host(FuncType((), ()), fail)}})


def test_link_errors_name_the_import():
    with pytest.raises(wasmc.LinkError, match=r"unknown import: m::mem has not been defined$"):
        wasmc.Instance(IMPORTER, {})
    small = wasmc.Memory(MemoryType(Limits(0, 1)))
    with pytest.raises(wasmc.LinkError, match="incompatible import type for m::mem"):
        wasmc.Instance(IMPORTER, {"m": {"mem": small}})


@pytest.mark.parametrize("opt_level", [0, 2])
def test_several_float_results_of_a_host_function_keep_their_nan_bits(opt_level):
    """A third float result once travelled on the x87 stack, which quiets a signalling NaN."""
    three = wasmc.Func.host(FuncType((), (F64, F64, F64)), lambda args: [0, 0, 0xFFF7FFFFFFFFFFFF])  # raw bits
    m = wasmc.Module(wat2wasm("""(module (import "env" "three" (func $t (result f64 f64 f64)))
      (func (export "bits") (result i64) (call $t) (i64.reinterpret_f64) (return)))"""), opt_level=opt_level)
    assert wasmc.Instance(m, {"env": {"three": three}}).exports["bits"]() == -0x8000000000001
