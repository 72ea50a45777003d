"""SIMD (v128, the 0xFD operators): decoded and validated by wasm/, but not lowered yet.

Every operator has a handler here so the dispatch table stays complete; each raises UnsupportedError,
which the CLI and the spec runner report as the unsupported feature "simd".
"""
from __future__ import annotations

from ..errors import UnsupportedError
from ..wasm.opcodes import SIMD_OPS, Op
from .function import FunctionTranslator


def lower_simd(t: FunctionTranslator, op: Op, imm) -> None:
    raise UnsupportedError("simd")


HANDLERS = {op.name: lower_simd for op in SIMD_OPS}
