"""The pipeline: decode, validate and lower, then LLVM codegen to an object file."""
from __future__ import annotations

from .codegen import compile_ir
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
