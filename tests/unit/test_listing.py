"""wasmc compile --emit asm / llvm-ir name the wasm functions (wasmc/listing.py): from the name section,
else an export, as comments that leave the output valid for the assembler and LLVM."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wasmc import aot, listing
from wasmc.wasm.decode import decode_module

wasmtime = pytest.importorskip("wasmtime")
WASMC = str(Path(sys.executable).parent / "wasmc")

# $helper and $main are named by the name section (wat2wasm keeps $names); "run" is also an export.
NAMED = """
(module
  (func $helper (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $main (export "run") (result i32) (call $helper (i32.const 41))))
"""
# The same functions without $names: no name section, so only the export names one.
EXPORTS_ONLY = """
(module
  (func (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "run") (result i32) (call 0 (i32.const 41))))
"""


def module(wat: str) -> bytes:
    return bytes(wasmtime.wat2wasm(wat))


def labels(asm: str) -> list[str]:
    return [line for line in asm.splitlines() if line.startswith("wasm_func_")]


def test_asm_names_from_the_name_section(tmp_path):
    asm = aot.emit(module(NAMED), "asm", opt_level=0)
    assert [" ".join(line.split()) for line in labels(asm)] == ["wasm_func_0: # helper", "wasm_func_1: # main"]
    if shutil.which(os.environ.get("CC", "cc")):        # the comments keep it valid assembly
        (tmp_path / "m.s").write_text(asm)
        subprocess.run([os.environ.get("CC", "cc"), "-c", str(tmp_path / "m.s"), "-o", str(tmp_path / "m.o")],
                       check=True)


def test_asm_names_from_exports_only():
    data = module(EXPORTS_ONLY)
    assert not decode_module(data).func_names
    assert [" ".join(line.split()) for line in labels(aot.emit(data, "asm", opt_level=0))] == \
        ["wasm_func_0:", "wasm_func_1: # run"]


def test_asm_for_other_targets_uses_their_comment_marker():
    asm = aot.emit(module(NAMED), "asm", opt_level=0, target="aarch64-unknown-linux-gnu")
    assert [" ".join(line.split()) for line in labels(asm)] == ["wasm_func_0: // helper", "wasm_func_1: // main"]
    assert listing.annotate_asm("wasm_func_0:\n", decode_module(module(NAMED)), "xcore-unknown") == \
        "wasm_func_0:\n"


def test_llvm_ir_names_and_still_parses():
    import llvmlite.binding as llvm
    ir = aot.emit(module(NAMED), "llvm-ir", opt_level=0)
    assert "; helper\ndefine internal i32 @wasm_func_0(" in ir and "; main\ndefine internal i32 @wasm_func_1(" in ir
    llvm.parse_assembly(ir).verify()


def test_names_cannot_break_a_comment():
    m = decode_module(module(NAMED))
    m.func_names[0] = "two\nlines"
    assert listing.function_names(m)[0] == "two\\x0alines"


def test_compile_command_writes_named_asm(tmp_path):
    src = tmp_path / "named.wasm"
    src.write_bytes(module(NAMED))
    subprocess.run([WASMC, "compile", "--emit", "asm", "-O", "0", "-o", str(tmp_path / "named.s"), str(src)],
                   check=True, capture_output=True)
    assert "# main" in (tmp_path / "named.s").read_text()
