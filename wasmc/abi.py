"""Python mirror of runtime_c/wasmc_rt.h: vmctx offsets, struct sizes, trap kinds, the runtime calls
generated code may make, the default stack, the WASI module name and the signature letters runtime_c's
tables use. Only this module and lower/env.py know the instance layout; tests/unit/test_abi.py checks
every value here against the header."""
from __future__ import annotations

import enum

from .wasm.types import F32, F64, I32, I64, V128, FuncType, ValType

ABI_VERSION = 3


class TrapKind(enum.IntEnum):
    """enum wasmc_trap_kind; the messages live in C (wasmc_trap_message)."""
    NONE = 0
    UNREACHABLE = 1
    MEMORY_OOB = 2
    INT_DIV_BY_ZERO = 3
    INT_OVERFLOW = 4
    INVALID_CONVERSION = 5
    INDIRECT_TYPE = 6
    TABLE_OOB = 7
    UNDEFINED_ELEMENT = 8
    UNINITIALIZED = 9
    STACK_EXHAUSTED = 10
    HOST = 11
    EXIT = 12
    OUT_OF_FUEL = 13
    INTERRUPT = 14


class VmctxOffset(enum.IntEnum):
    """Byte offsets of struct wasmc_vmctx fields."""
    MEM0_BASE = 0
    MEMORIES = 8
    GLOBALS = 16
    TABLES = 24
    FUNCREFS = 32
    TYPE_IDS = 40
    DATAS = 48
    ELEMS = 56
    STACK_LIMIT = 64
    HOST = 72
    FUEL = 80          # fuel consumed minus fuel given; fuel-metered code only
    INTERRUPT = 88     # -> wasmc_interrupt; interruptible code only


VMCTX_SIZE = 96
GLOBAL_CELL_SIZE = 16      # struct wasmc_global: every global lives in a 16-byte cell (room for v128)
FUNCREF_SIZE = 24          # struct wasmc_funcref {fn, type_id, vmctx}
FUNCREF_FN, FUNCREF_TYPE_ID, FUNCREF_VMCTX = 0, 8, 16
MEMORY_STRUCT_SIZE = 24                  # struct wasmc_memory {base, size, max_pages}
MEMORY_BASE, MEMORY_SIZE = 0, 8
TABLE_STRUCT_SIZE = 16                   # struct wasmc_table {elems, size, max}
TABLE_ELEMS, TABLE_SIZE = 0, 8
# Address space reserved per memory: any i32 address plus u32 offset lands inside it, which is why
# generated loads and stores need no bounds check.
MEMORY_RESERVATION = 8 << 30

# The wasm stack when nobody asks for another size (WASMC_DEFAULT_STACK).
DEFAULT_STACK = 256 << 20
DEFAULT_STACK_MIB = DEFAULT_STACK >> 20

# Imports from this module bind to runtime_c's WASI preview1 host (WASMC_WASI_MODULE).
WASI_MODULE = "wasi_snapshot_preview1"

# Functions generated code may call: name -> (LLVM return type, LLVM parameter types, attributes).
RUNTIME_CALLS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "wasmc_trap": ("void", ("ptr", "i32"), "noreturn cold"),
    "wasmc_trap_null_element": ("void", ("ptr", "i32"), "noreturn cold"),
    "wasmc_memory_grow": ("i32", ("ptr", "i32", "i32"), ""),
    "wasmc_memory_copy": ("void", ("ptr", "i32", "i32", "i32", "i32", "i32"), ""),
    "wasmc_memory_fill": ("void", ("ptr", "i32", "i32", "i32", "i32"), ""),
    "wasmc_memory_init": ("void", ("ptr", "i32", "i32", "i32", "i32", "i32"), ""),
    "wasmc_memory_grow64": ("i64", ("ptr", "i32", "i64"), ""),
    "wasmc_memory_copy64": ("void", ("ptr", "i32", "i32", "i64", "i64", "i64"), ""),
    "wasmc_memory_fill64": ("void", ("ptr", "i32", "i64", "i32", "i64"), ""),
    "wasmc_memory_init64": ("void", ("ptr", "i32", "i32", "i64", "i32", "i32"), ""),
    "wasmc_data_drop": ("void", ("ptr", "i32"), ""),
    "wasmc_table_grow": ("i32", ("ptr", "i32", "ptr", "i32"), ""),
    "wasmc_table_fill": ("void", ("ptr", "i32", "i32", "ptr", "i32"), ""),
    "wasmc_table_copy": ("void", ("ptr", "i32", "i32", "i32", "i32", "i32"), ""),
    "wasmc_table_init": ("void", ("ptr", "i32", "i32", "i32", "i32", "i32"), ""),
    "wasmc_elem_drop": ("void", ("ptr", "i32"), ""),
    "wasmc_host_call": ("void", ("ptr", "ptr"), ""),
}

# Signature letters, as runtime_c's WASI table and the glue's symbol names spell a function type:
# params '_' results ("iiii_i"); references are "r", v128 "v".
_LETTER = {I32: "i", I64: "l", F32: "f", F64: "d", V128: "v", ValType.FUNCREF: "r", ValType.EXTERNREF: "r"}
_FROM_LETTER = {"i": I32, "l": I64, "f": F32, "d": F64}


def signature(ft: FuncType) -> str:
    """A function type in signature letters: fd_write's (i32 i32 i32 i32) -> i32 is "iiii_i"."""
    return "".join(_LETTER[t] for t in ft.params) + "_" + "".join(_LETTER[t] for t in ft.results)


def functype_of(sig: str) -> FuncType:
    """The function type a signature of numbers spells (the inverse of signature(): "ili_i")."""
    params, _, results = sig.partition("_")
    return FuncType(tuple(_FROM_LETTER[c] for c in params), tuple(_FROM_LETTER[c] for c in results))


# Entry trampolines and host adapters pass values in 8-byte slots (wasmc_entry_fn): one per value, two
# consecutive ones for a v128 (its low 64 bits first).
SLOT_SIZE = 8


def slot_count(t: ValType) -> int:
    return 2 if t is V128 else 1


def slot_indices(types) -> list[int]:
    """The first slot of each value of `types` laid out one after another."""
    out, at = [], 0
    for t in types:
        out.append(at)
        at += slot_count(t)
    return out


def slots_needed(ft: FuncType) -> int:
    """Slots an entry call of `ft` needs: its parameters, then its results in the same slots (at least one)."""
    return max(sum(map(slot_count, ft.params)), sum(map(slot_count, ft.results)), 1)
