"""ModuleEnv: everything instance-specific the lowering needs, so no handler knows the vmctx layout.

Pointers that never change for the life of an instance (memory base, the cell of a global, a table's
descriptor, the funcref array) are loaded once in the function's entry block and reused.
"""
from __future__ import annotations

from ..abi import (FUNCREF_SIZE, GLOBAL_CELL_SIZE, MEMORY_SIZE, RUNTIME_CALLS, TABLE_ELEMS, TABLE_SIZE,
                   VmctxOffset)
from ..errors import DecodeError, UnsupportedError
from ..wasm.instr import read_op
from ..wasm.module import Module
from ..wasm.reader import Reader
from ..wasm.types import ValType
from .builder import LLVM_TYPE, TBAA_RUNTIME, results_type


# Operators that may precede a resumable function's dispatch: Go saves the stack pointer global in a
# local and opens its blocks before `local.get 0; br_table`.
_DISPATCH_PREFIX = frozenset(("global.get", "local.set", "block", "loop"))


class ModuleEnv:
    def __init__(self, module: Module, linkage: str = "internal", entry_variants: bool = False):
        self.module = module
        self.linkage = linkage                     # of wasm_func_*: "hidden" when split across objects
        self.entry_variants = entry_variants       # emit wasm_func_N.entry for resumable functions
        self._resumable: dict[int, bool] = {}
        self.called_entries: set[int] = set()      # func_idx of .entry variants referenced
        self.used_runtime: set[str] = set()
        self.used_intrinsics: dict[str, str] = {}   # name -> declaration line
        self.called: set[int] = set()               # func_idx of defined functions referenced
        self.defined: set[int] = set()              # func_idx of functions defined in this IR module

    # --- declarations -------------------------------------------------------------------------
    def runtime(self, name: str) -> str:
        self.used_runtime.add(name)
        return "@" + name

    def intrinsic(self, name: str, decl: str) -> str:
        self.used_intrinsics[name] = decl
        return "@" + name

    def declarations(self, defined_general: set[int] | None = None,
                     defined_entries: set[int] | None = None) -> list[str]:
        """Declarations of everything referenced but not defined in this IR module: runtime calls,
        intrinsics, and wasm functions (`defined_general`, default self.defined) and their `.entry`
        copies (`defined_entries`, default self.defined)."""
        general = self.defined if defined_general is None else defined_general
        entries = self.defined if defined_entries is None else defined_entries
        out = []
        for name in sorted(self.used_runtime):
            ret, params, attrs = RUNTIME_CALLS[name]
            out.append(f"declare {ret} @{name}({', '.join(params)}) {attrs}".rstrip())
        out.extend(self.used_intrinsics[n] for n in sorted(self.used_intrinsics))
        m = self.module
        for func_idx in sorted(self.called - general):
            ft = m.func_type(func_idx)
            params = ", ".join(["ptr"] + [LLVM_TYPE[p] for p in ft.params])
            out.append(f"declare hidden {results_type(ft.results)} @wasm_func_{func_idx}({params})")
        for func_idx in sorted(self.called_entries - entries):
            ft = m.func_type(func_idx)
            params = ", ".join(["ptr"] + [LLVM_TYPE[p] for p in ft.params])
            out.append(f"declare hidden {results_type(ft.results)} @wasm_func_{func_idx}.entry({params})")
        return out

    def direct_callee(self, func_idx: int) -> str:
        """The symbol of a defined function, for a direct call."""
        self.called.add(func_idx)
        return f"@wasm_func_{func_idx}"

    def entry_callee(self, func_idx: int) -> str:
        """The symbol of a resumable function's copy specialised to first argument 0 (same signature;
        it ignores that argument)."""
        self.called_entries.add(func_idx)
        return f"@wasm_func_{func_idx}.entry"

    def has_entry_variant(self, func_idx: int) -> bool:
        return self.entry_variants and self.resumable(func_idx)

    def resumable(self, func_idx: int) -> bool:
        """Whether a defined function opens with a loop whose header is `local.get 0; br_table`.

        That is the shape of every Go function: parameter 0 picks where to resume after a goroutine
        switch, and direct calls pass 0. Its br_table can enter any block, loop bodies included, which
        leaves LLVM with irreducible loops; a copy specialised to 0 (`.entry`) keeps the loops natural.
        Decided from the first operators alone, so every slice of a parallel compile agrees."""
        known = self._resumable.get(func_idx)
        if known is None:
            known = self._resumable[func_idx] = self._scan_resumable(func_idx)
        return known

    def _scan_resumable(self, func_idx: int) -> bool:
        m = self.module
        ft = m.func_type(func_idx)
        if not ft.params or ft.params[0] is not ValType.I32:
            return False
        body = m.code[func_idx - m.num_imported_funcs]
        r = Reader(m.data, body.start, body.end)
        loops = 0
        try:
            while r.pos < r.end:
                op, imm = read_op(r)
                if op.name in _DISPATCH_PREFIX:
                    loops += op.name == "loop"
                elif op.name == "local.get" and imm == 0 and loops:
                    return read_op(r)[0].name == "br_table"
                else:
                    return False
        except (DecodeError, UnsupportedError):
            return False            # the validator reports it when the body is lowered
        return False

    # --- instance fields, loaded once per function -------------------------------------------
    def _field(self, t, offset: int) -> str:
        return t.entry_load(f"vmctx+{offset}", f"getelementptr inbounds i8, ptr %vmctx, i64 {offset}")

    def _array_item(self, t, offset: int, index: int, stride: int = 8) -> str:
        """Load the pointer at vmctx->field[index], once per function."""
        key = f"vmctx+{offset}[{index}]"
        cached = t.entry_cache.get(key)
        if cached is None:
            arr = t.entry_value(f"load ptr, ptr {self._field(t, offset)}, !invariant.load !{{}}")
            slot = t.entry_value(f"getelementptr inbounds i8, ptr {arr}, i64 {index * stride}")
            cached = t.entry_value(f"load ptr, ptr {slot}, !invariant.load !{{}}")
            t.entry_cache[key] = cached
        return cached

    def memory_base(self, t) -> str:
        key = "membase"
        cached = t.entry_cache.get(key)
        if cached is None:
            cached = t.entry_value("load ptr, ptr %vmctx, !invariant.load !{}")
            t.entry_cache[key] = cached
        return cached

    def memory_desc(self, t, mem_idx: int) -> str:
        return self._array_item(t, VmctxOffset.MEMORIES, mem_idx)

    def memory_size_bytes(self, t, mem_idx: int) -> str:
        desc = self.memory_desc(t, mem_idx)
        p = t.b.op(f"getelementptr inbounds i8, ptr {desc}, i64 {MEMORY_SIZE}")
        return t.b.op(f"load i64, ptr {p}, !tbaa {TBAA_RUNTIME}")

    def global_cell(self, t, global_idx: int) -> str:
        return self._array_item(t, VmctxOffset.GLOBALS, global_idx)

    def table_desc(self, t, table_idx: int) -> str:
        return self._array_item(t, VmctxOffset.TABLES, table_idx)

    def table_size(self, t, table_idx: int) -> str:
        desc = self.table_desc(t, table_idx)
        p = t.b.op(f"getelementptr inbounds i8, ptr {desc}, i64 {TABLE_SIZE}")
        return t.b.op(f"load i32, ptr {p}, !tbaa {TBAA_RUNTIME}")

    def table_elems(self, t, table_idx: int) -> str:
        desc = self.table_desc(t, table_idx)
        return t.b.op(f"load ptr, ptr {desc}, !tbaa {TBAA_RUNTIME}")   # TABLE_ELEMS == 0; moves on growth

    def funcref(self, t, func_idx: int) -> str:
        """Pointer to this instance's wasmc_funcref record of func_idx."""
        key = "funcrefs"
        arr = t.entry_cache.get(key)
        if arr is None:
            arr = t.entry_value(
                f"load ptr, ptr {self._field(t, VmctxOffset.FUNCREFS)}, !invariant.load !{{}}")
            t.entry_cache[key] = arr
        return t.b.op(f"getelementptr inbounds i8, ptr {arr}, i64 {func_idx * FUNCREF_SIZE}")

    def type_id(self, t, type_idx: int) -> str:
        key = f"typeid{type_idx}"
        cached = t.entry_cache.get(key)
        if cached is None:
            arr = t.entry_value(
                f"load ptr, ptr {self._field(t, VmctxOffset.TYPE_IDS)}, !invariant.load !{{}}")
            slot = t.entry_value(f"getelementptr inbounds i8, ptr {arr}, i64 {type_idx * 8}")
            cached = t.entry_value(f"load i64, ptr {slot}, !invariant.load !{{}}")
            t.entry_cache[key] = cached
        return cached

    def stack_limit(self, t) -> str:
        ptr = t.entry_value(
            f"load ptr, ptr {self._field(t, VmctxOffset.STACK_LIMIT)}, !invariant.load !{{}}")
        return t.entry_value(f"load i64, ptr {ptr}")


assert TABLE_ELEMS == 0 and GLOBAL_CELL_SIZE >= 8
