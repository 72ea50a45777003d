"""The pipeline: decode, validate and lower, then LLVM codegen to an object file."""
from __future__ import annotations

from .codegen import compile_ir, optimize, parse, target_machine
from .lower.module import lower_module
from .wasm.decode import decode_module
from .wasm.module import Module


def compile_module(data: bytes, opt_level: int = 2) -> tuple[Module, bytes]:
    """Bytes -> (module model, object code for this host)."""
    m = decode_module(data)
    ir = lower_module(m)
    obj, _ = compile_ir(ir, opt_level)
    return m, obj


def module_ir(data: bytes) -> str:
    """The unoptimized LLVM IR wasmc generates for a module (for --emit llvm-ir and golden tests)."""
    return lower_module(decode_module(data))


def compile_decoded(m: Module, emit: str = "obj", opt_level: int = 2, triple: str | None = None,
                    extra_ir: str = "") -> bytes | str:
    """A decoded module -> output for `triple` (default: this host): `emit` is "obj" (bytes), "asm" or
    "llvm-ir" (text, after the -O passes). `extra_ir` is appended to the lowered IR (the AOT image)."""
    tm = target_machine(opt_level, triple)
    mod = parse(lower_module(m) + extra_ir, tm)
    optimize(mod, tm, opt_level)
    if emit == "obj":
        return tm.emit_object(mod)
    if emit == "asm":
        return tm.emit_assembly(mod)
    if emit == "llvm-ir":
        return str(mod)
    raise ValueError(f"unknown output kind {emit!r}")
