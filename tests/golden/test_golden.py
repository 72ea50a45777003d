"""Golden IR: the LLVM IR wasmc emits before optimization for a few representative functions, compared
with the .ll files beside each .wat. `WASMC_BLESS=1 pytest tests/golden` rewrites them after a change
meant to alter the IR (review the diff before committing it)."""
import os
from pathlib import Path

import pytest

from wasmc.lower.module import lower_module, lower_module_pair
from wasmc.metering import Metering
from wasmc.wasm.decode import decode_module

wat2wasm = pytest.importorskip("wasmtime").wat2wasm

HERE = Path(__file__).parent
# NAME.guarded: NAME.wat with 32-bit memory accesses left to the guard region, as on x86-64
# (compile.guard_pages); every other case shows them checked, as elsewhere.
GUARDED = {"memory"}
CASES = sorted([p.stem for p in HERE.glob("*.wat")] + [f"{name}.guarded" for name in GUARDED])
# Lowered as at -O2 (with direct-call copies of resumable functions); the rest as at -O0.
PAIRS = {"resumable"}
# Lowered with fuel metering and interrupt checks; every other case shows plain code, unchanged by them.
METERED = {"metered"}


def emitted(name: str) -> str:
    source, _, variant = name.partition(".")
    m = decode_module(bytes(wat2wasm((HERE / f"{source}.wat").read_text())))
    if variant == "guarded":
        return lower_module(m, guard_pages=True)
    if name in PAIRS:
        main, resume = lower_module_pair(m)
        return f"; main module\n{main}\n; resume module\n{resume}"
    return lower_module(m, metering=Metering(fuel=True, interrupt=True) if name in METERED else Metering())


@pytest.mark.parametrize("name", CASES)
def test_golden_ir(name):
    expected = HERE / f"{name}.ll"
    ir = emitted(name)
    if os.environ.get("WASMC_BLESS") == "1":
        expected.write_text(ir)
    assert expected.exists(), f"{expected.name} missing: run with WASMC_BLESS=1 to create it"
    assert ir == expected.read_text(), f"IR of {name}.wat changed; WASMC_BLESS=1 rewrites {expected.name}"


def test_every_case_has_its_ir():
    assert CASES and all((HERE / f"{name}.ll").exists() for name in CASES)
