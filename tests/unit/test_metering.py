"""Fuel and interrupt instrumentation (wasmc/metering.py, wasmc/lower/meter.py) is emitted only when asked
for, and metered code never shares a cache entry with plain code: the module keys, the launch index and
the function cache's per-function options all name the metering."""
from __future__ import annotations

from pathlib import Path

import pytest

from wasmc import aot, compile, launch
from wasmc.abi import TrapKind
from wasmc.metering import NONE, Metering, metered_kind

wat2wasm = pytest.importorskip("wasmtime").wat2wasm
LIMITS = bytes(wat2wasm((Path(__file__).resolve().parents[1] / "cli" / "limits.wat").read_text()))
KINDS = [NONE, Metering(fuel=True), Metering(interrupt=True), Metering(fuel=True, interrupt=True)]


def test_plain_ir_has_no_checks():
    plain = compile.module_ir(LIMITS)
    assert plain == compile.module_ir(LIMITS, NONE)
    assert "%fuel" not in plain and f"i32 {int(TrapKind.OUT_OF_FUEL)})" not in plain


def test_metered_ir_checks_what_was_asked_for():
    fuel = compile.module_ir(LIMITS, Metering(fuel=True))
    interrupt = compile.module_ir(LIMITS, Metering(interrupt=True))
    assert "%fuel = alloca i64" in fuel and f"@wasmc_trap(ptr %vmctx, i32 {int(TrapKind.OUT_OF_FUEL)})" in fuel
    assert "load volatile i32" not in fuel
    assert "%fuel" not in interrupt and f"@wasmc_trap(ptr %vmctx, i32 {int(TrapKind.INTERRUPT)})" in interrupt


def test_every_kind_of_metering_has_its_own_keys():
    assert metered_kind(NONE) == "" and len({metered_kind(m) for m in KINDS}) == len(KINDS)
    assert len({compile.cache_options(2, None, False, m) for m in KINDS}) == len(KINDS)
    assert compile.cache_options(2, None, False) == compile.cache_options(2, None, False, NONE)
    assert len({compile.tier(0, metering=m).options for m in KINDS}) == len(KINDS)
    assert len({launch.index_key(LIMITS, 2, metering=m) for m in KINDS}) == len(KINDS)
    assert launch.index_key(LIMITS, 2) == launch.index_key(LIMITS, 2, metering=NONE)


def test_launch_asks_for_the_metering_its_limits_need(tmp_path):
    config = launch.Launch(["limits.wasm"], {}, fuel=10, timeout_ns=5)
    assert config.metering == Metering(fuel=True, interrupt=True)
    assert launch.Launch(["limits.wasm"], {}).metering == NONE
    env = launch.runtime_environment(config)
    assert (env["WASMC_FUEL"], env["WASMC_TIMEOUT_NS"]) == ("10", "5")
    assert "WASMC_FUEL" not in launch.runtime_environment(launch.Launch(["limits.wasm"], {}))


def test_metered_executables_are_cached_apart(monkeypatch, tmp_path):
    monkeypatch.setenv("WASMC_CACHE_DIR", str(tmp_path))
    plain = aot.cached_executable(LIMITS, 0)
    metered = aot.cached_executable(LIMITS, 0, metering=Metering(fuel=True))
    assert plain != metered and aot.cached_executable(LIMITS, 0) == plain


def test_python_api_fuel():
    import wasmc
    from wasmc.errors import Trap, WasmcError
    counter = bytes(wat2wasm('(module (func (export "count") (param i32) (local i32) '
                             '(loop (br_if 0 (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) '
                             '(local.get 0))))))'))
    metered = wasmc.Module(counter, 0, consume_fuel=True)
    wasmc.Instance(metered, fuel=10_000).exports["count"](100)
    with pytest.raises(Trap) as trap:
        wasmc.Instance(metered, fuel=100).exports["count"](100)
    assert (trap.value.kind, trap.value.message) == ("out_of_fuel", "all fuel consumed by WebAssembly")
    wasmc.Instance(metered).exports["count"](100)          # no fuel given: as good as unlimited
    with pytest.raises(WasmcError, match="consume_fuel=True"):
        wasmc.Instance(wasmc.Module(counter, 0), fuel=10)
