"""Modules from `wasm-tools smith`: Wasm 2.0 without SIMD, everything exported, sizes bounded, loops given
fuel; fed random bytes from a seeded RNG so that a (seed, index) pair always names the same module."""
from __future__ import annotations

import random
import subprocess
from functools import cache

from wasmc.wast import find_wasm_tools

from . import wasmbin
from .trace import FUEL_EXPORT

SMITH_FUEL = 1000          # loop iterations and calls one export call may make before smith's guard traps

SMITH_FLAGS = (
    # Wasm 2.0: bulk memory, sign extension, saturating conversions, multi-value, reference types ...
    "--bulk-memory-enabled", "true", "--sign-extension-ops-enabled", "true",
    "--saturating-float-to-int-enabled", "true", "--multi-value-enabled", "true",
    "--reference-types-enabled", "true",
    # ... and nothing later.
    "--simd-enabled", "false", "--relaxed-simd-enabled", "false", "--threads-enabled", "false",
    "--shared-everything-threads-enabled", "false", "--tail-call-enabled", "false",
    "--exceptions-enabled", "false", "--memory64-enabled", "false", "--gc-enabled", "false",
    "--extended-const-enabled", "false", "--custom-page-sizes-enabled", "false",
    "--wide-arithmetic-enabled", "false", "--compact-imports-enabled", "false",
    "--custom-descriptors-enabled", "false",
    "--max-memories", "1",
    # Raw NaN bits reach memory and results; the comparison knows the spec's NaN rules.
    "--canonicalize-nans", "false",
    "--export-everything", "true", "--allow-start-export", "true",
    # Sizes: modules compile in tens of milliseconds, memories and tables stay cheap to compare.
    "--max-funcs", "24", "--max-types", "24", "--max-imports", "12", "--max-globals", "24",
    "--max-tables", "3", "--max-table-elements", "100", "--table-max-size-required", "true",
    "--max-memory32-bytes", str(16 << 16), "--memory-max-size-required", "true",
    "--max-data-segments", "12", "--max-element-segments", "12", "--max-elements", "24",
    "--max-instructions", "120",
    "--ensure-termination", "--fuel", str(SMITH_FUEL),
)
VALIDATE_FEATURES = "wasm2"
SEED_BYTES = (64, 8192)    # smith input sizes: longer inputs make bigger modules


@cache
def wasm_tools() -> str:
    return str(find_wasm_tools())


# smith makes about the minimum number of functions it is allowed, and often no type at all (so no
# function): each module draws its own minimum, so that runs mix small and larger modules.
MIN_FUNCS = (1, 2, 3, 4, 6, 8)


def smith_input(seed: str, index: int) -> tuple[bytes, tuple[str, ...]]:
    """Module `index` of run `seed`: smith's input bytes and the flags drawn for it."""
    rng = random.Random(f"{seed}:{index}")
    flags = ("--min-types", "1", "--min-funcs", str(rng.choice(MIN_FUNCS)))
    return rng.randbytes(rng.randint(*SEED_BYTES)), flags


def smith(raw: bytes, flags: tuple[str, ...] = ()) -> bytes | None:
    """A module from smith's input bytes, or None when smith cannot make one from them."""
    p = subprocess.run([wasm_tools(), "smith", *SMITH_FLAGS, *flags], input=raw, capture_output=True)
    return p.stdout if p.returncode == 0 and p.stdout else None


def validate(data: bytes) -> str | None:
    """None when `data` is a valid Wasm 2.0 module, else wasm-tools' first error line."""
    p = subprocess.run([wasm_tools(), "validate", "--features", VALIDATE_FEATURES, "-"], input=data,
                       capture_output=True)
    return None if p.returncode == 0 else (p.stderr.decode(errors="replace").strip().splitlines() or ["?"])[0]


def export_fuel(data: bytes) -> bytes:
    """Export smith's fuel global (the last global: a mutable i32 starting at SMITH_FUEL) as FUEL_EXPORT,
    so the harness can refill it before each call; `data` unchanged when there is none."""
    secs = dict(wasmbin.sections(data))
    if wasmbin.SEC_GLOBAL not in secs:
        return data
    globals_ = wasmbin.defined_globals(secs[wasmbin.SEC_GLOBAL])
    valtype, mutable, init = globals_[-1]
    if (valtype, mutable, init) != (0x7F, True, [(0x41, SMITH_FUEL)]):
        return data
    imported = wasmbin.imported_globals(secs[wasmbin.SEC_IMPORT]) if wasmbin.SEC_IMPORT in secs else 0
    return wasmbin.add_export(data, FUEL_EXPORT, 3, imported + len(globals_) - 1)


def parse_wat(text: str) -> bytes | None:
    """The binary of a module in the text format, or None when it does not parse."""
    p = subprocess.run([wasm_tools(), "parse", "-"], input=text.encode(), capture_output=True)
    return p.stdout if p.returncode == 0 else None


def to_wat(data: bytes) -> str:
    p = subprocess.run([wasm_tools(), "print", "-"], input=data, capture_output=True)
    return p.stdout.decode(errors="replace") if p.returncode == 0 else f";; wasm-tools print failed: {p.stderr!r}"
