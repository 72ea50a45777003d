"""ModuleEnv: everything instance-specific the lowering needs, so no handler knows the vmctx layout.

Pointers that never change for the life of an instance (memory base, the cell of a global, a table's
descriptor, the funcref array) are loaded once in the function's entry block and reused.
"""
from __future__ import annotations

from ..abi import (FUNCREF_SIZE, GLOBAL_CELL_SIZE, MEMORY_SIZE, RUNTIME_CALLS, TABLE_ELEMS, TABLE_SIZE,
                   VmctxOffset)
from ..wasm.module import Module
from .builder import LLVM_TYPE, TBAA_RUNTIME, results_type


class ModuleEnv:
    def __init__(self, module: Module, linkage: str = "internal"):
        self.module = module
        self.linkage = linkage                     # of wasm_func_*: "hidden" when split across objects
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

    def declarations(self) -> list[str]:
        out = []
        for name in sorted(self.used_runtime):
            ret, params, attrs = RUNTIME_CALLS[name]
            out.append(f"declare {ret} @{name}({', '.join(params)}) {attrs}".rstrip())
        out.extend(self.used_intrinsics[n] for n in sorted(self.used_intrinsics))
        m = self.module
        for func_idx in sorted(self.called - self.defined):
            ft = m.func_type(func_idx)
            params = ", ".join(["ptr"] + [LLVM_TYPE[p] for p in ft.params])
            out.append(f"declare hidden {results_type(ft.results)} @wasm_func_{func_idx}({params})")
        return out

    def direct_callee(self, func_idx: int) -> str:
        """The symbol of a defined function, for a direct call."""
        self.called.add(func_idx)
        return f"@wasm_func_{func_idx}"

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
