"""Wasm value, function, limits, table, memory and global types (the spec's binary encodings)."""
from __future__ import annotations

import enum
from dataclasses import dataclass


class ValType(enum.IntEnum):
    I32 = 0x7F
    I64 = 0x7E
    F32 = 0x7D
    F64 = 0x7C
    V128 = 0x7B
    FUNCREF = 0x70
    EXTERNREF = 0x6F

    @property
    def text(self) -> str:
        return _TEXT[self]

    @property
    def is_ref(self) -> bool:
        return self in (ValType.FUNCREF, ValType.EXTERNREF)

    @property
    def is_num(self) -> bool:
        return self in (ValType.I32, ValType.I64, ValType.F32, ValType.F64)


_TEXT = {ValType.I32: "i32", ValType.I64: "i64", ValType.F32: "f32", ValType.F64: "f64",
         ValType.V128: "v128", ValType.FUNCREF: "funcref", ValType.EXTERNREF: "externref"}

I32, I64, F32, F64, V128 = ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.V128
FUNCREF, EXTERNREF = ValType.FUNCREF, ValType.EXTERNREF


@dataclass(frozen=True, slots=True)
class FuncType:
    params: tuple[ValType, ...]
    results: tuple[ValType, ...]

    def __str__(self) -> str:
        p = " ".join(t.text for t in self.params)
        r = " ".join(t.text for t in self.results)
        return f"[{p}] -> [{r}]"


@dataclass(frozen=True, slots=True)
class Limits:
    min: int
    max: int | None


@dataclass(frozen=True, slots=True)
class TableType:
    elem: ValType
    limits: Limits
    is64: bool = False        # table64: indexed by i64 (Wasm 3.0)

    @property
    def addr(self) -> ValType:
        """The address type: what table.get/set/size/grow/fill and call_indirect index with."""
        return I64 if self.is64 else I32


@dataclass(frozen=True, slots=True)
class MemoryType:
    limits: Limits
    is64: bool = False        # memory64: addressed by i64 (Wasm 3.0)

    @property
    def addr(self) -> ValType:
        """The address type: what loads, stores, memory.size/grow and the bulk operators take."""
        return I64 if self.is64 else I32


@dataclass(frozen=True, slots=True)
class GlobalType:
    type: ValType
    mutable: bool


class ExternKind(enum.IntEnum):
    FUNC = 0
    TABLE = 1
    MEMORY = 2
    GLOBAL = 3


PAGE_SIZE = 65536
MAX_PAGES = 65536          # 4 GiB: the 32-bit memory index space
MAX_PAGES64 = 1 << 48      # the spec's bound on a 64-bit memory's limits (2**64 bytes)
MAX_TABLE32 = (1 << 32) - 1  # the spec's bound on a 32-bit table's limits
MAX_TABLE_SIZE = 10_000_000  # a host limit on table elements, like other engines set
