"""Python mirror of runtime_c/wasmc_rt.h: vmctx offsets, trap kinds and the runtime calls generated code
may make. Only this module and lower/env.py know the instance layout; tests/unit/test_abi.py checks that
the two agree."""
from __future__ import annotations

import enum

ABI_VERSION = 1


class TrapKind(enum.IntEnum):
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


VMCTX_SIZE = 80
GLOBAL_CELL_SIZE = 16      # every global lives in a 16-byte cell (room for v128 later)
FUNCREF_SIZE = 24          # struct wasmc_funcref {fn, type_id, vmctx}
FUNCREF_FN, FUNCREF_TYPE_ID, FUNCREF_VMCTX = 0, 8, 16
MEMORY_BASE, MEMORY_SIZE = 0, 8          # struct wasmc_memory
TABLE_ELEMS, TABLE_SIZE = 0, 8           # struct wasmc_table

# Functions generated code may call: name -> (LLVM return type, LLVM parameter types, attributes).
RUNTIME_CALLS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "wasmc_trap": ("void", ("ptr", "i32"), "noreturn cold"),
    "wasmc_trap_null_element": ("void", ("ptr", "i32"), "noreturn cold"),
    "wasmc_memory_grow": ("i32", ("ptr", "i32", "i32"), ""),
    "wasmc_memory_copy": ("void", ("ptr", "i32", "i32", "i32", "i32", "i32"), ""),
    "wasmc_memory_fill": ("void", ("ptr", "i32", "i32", "i32", "i32"), ""),
    "wasmc_memory_init": ("void", ("ptr", "i32", "i32", "i32", "i32", "i32"), ""),
    "wasmc_data_drop": ("void", ("ptr", "i32"), ""),
    "wasmc_table_grow": ("i32", ("ptr", "i32", "ptr", "i32"), ""),
    "wasmc_table_fill": ("void", ("ptr", "i32", "i32", "ptr", "i32"), ""),
    "wasmc_table_copy": ("void", ("ptr", "i32", "i32", "i32", "i32", "i32"), ""),
    "wasmc_table_init": ("void", ("ptr", "i32", "i32", "i32", "i32", "i32"), ""),
    "wasmc_elem_drop": ("void", ("ptr", "i32"), ""),
    "wasmc_host_call": ("void", ("ptr", "ptr"), ""),
}
