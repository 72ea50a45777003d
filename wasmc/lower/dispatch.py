"""The dense dispatch lists of the translator: per operator (by Op.index) its lowering, and what to do
with it in unreachable code. Built from the family modules' HANDLERS tables; importing this module fails
if an operator has neither a handler nor a place in UNSUPPORTED.
"""
from __future__ import annotations

from typing import NamedTuple

from ..errors import UnsupportedError
from ..wasm.opcodes import ALL_OPS, Op
from . import (calls, control, convert, memory, numeric, simd_bits, simd_convert, simd_float, simd_int, simd_lanes,
               simd_memory, simd_relaxed, tables, variables)
from .function import FunctionTranslator

FAMILIES = (control, variables, numeric, convert, memory, tables, calls,
            simd_memory, simd_lanes, simd_bits, simd_int, simd_float, simd_convert, simd_relaxed)

# Operators decoded and validated but not compiled yet, by the feature the CLI reports (none today).
UNSUPPORTED: dict[str, str] = {}


def _unsupported(feature: str):
    def lower(t: FunctionTranslator, op: Op, imm) -> None:
        raise UnsupportedError(feature)
    return lower


def _skip(t: FunctionTranslator, op: Op, imm) -> None:
    """Unreachable code: nothing to lower."""


def _handlers() -> dict[str, object]:
    by_name: dict[str, object] = {}
    for family in FAMILIES:
        for name, handler in family.HANDLERS.items():
            if name in by_name:
                raise AssertionError(f"two handlers for {name}")
            by_name[name] = handler
    for name, feature in UNSUPPORTED.items():
        if name in by_name:
            raise AssertionError(f"{name} has a handler and is listed as unsupported")
        by_name[name] = _unsupported(feature)
    missing = [op.name for op in ALL_OPS if op.name not in by_name]
    if missing:
        raise AssertionError(f"operators without a lowering: {', '.join(missing)}")
    return by_name


class Steps(NamedTuple):
    """What the translator does per operator, indexed by Op.index."""
    lower: list        # in reachable code
    unreachable: list  # in unreachable code (control.UNREACHABLE_HANDLERS, else nothing)


HANDLERS = _handlers()
STEPS = Steps([HANDLERS[op.name] for op in ALL_OPS],
              [control.UNREACHABLE_HANDLERS.get(op.name, _skip) for op in ALL_OPS])
