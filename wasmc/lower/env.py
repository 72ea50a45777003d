"""ModuleEnv: everything instance-specific the lowering needs, so no handler knows the vmctx layout.

Pointers that never change for the life of an instance (memory base, the cell of a global, a table's
descriptor, the funcref array) are loaded once in the function's entry block and reused. Every
module-specific number a function's code depends on (callee, type, global and table indices) reaches the
IR through here.
"""
from __future__ import annotations

from ..abi import FUNCREF_SIZE, GLOBAL_CELL_SIZE, MEMORY_SIZE, TABLE_ELEMS, TABLE_SIZE, VmctxOffset
from ..metering import NONE, Metering
from ..wasm.module import Module
from .builder import I32, I64, LLVM_TYPE, PTR, VMCTX, Alias, Value, const_int, declare, results_type
from .resumable import Resumable


class ModuleEnv:
    def __init__(self, module: Module, linkage: str = "internal", direct_copies: bool = False,
                 metering: Metering = NONE, guard_pages: bool = False):
        self.module = module
        self.metering = metering                   # fuel and interrupt checks (meter.py), if any
        self.guard_pages = guard_pages             # 32-bit memory accesses trap on the guard region (memory.py)
        self.linkage = linkage                     # of wasm_func_*: "hidden" when split across objects
        self.direct_copies = direct_copies         # emit wasm_func_N.direct for resumable functions
        self.resumable = Resumable(module)
        self.called_direct_copies: set[int] = set()    # func_idx of direct-call copies referenced
        self.called: set[int] = set()               # func_idx of defined functions referenced
        self.defined: set[int] = set()              # func_idx of functions defined in this IR module

    # --- wasm functions ----------------------------------------------------------------------------
    def declarations(self, defined_general: set[int] | None = None,
                     defined_copies: set[int] | None = None) -> list[str]:
        """Declarations of the wasm functions referenced but not defined in this IR module: general
        functions (`defined_general`, default self.defined) and direct-call copies (`defined_copies`,
        default self.defined)."""
        general = self.defined if defined_general is None else defined_general
        copies = self.defined if defined_copies is None else defined_copies
        out = []
        for func_idx in sorted(self.called - general):
            out.append(self._declare(func_idx, f"wasm_func_{func_idx}"))
        for func_idx in sorted(self.called_direct_copies - copies):
            out.append(self._declare(func_idx, f"wasm_func_{func_idx}.direct"))
        return out

    def _declare(self, func_idx: int, symbol: str) -> str:
        ft = self.module.func_type(func_idx)
        return declare(results_type([LLVM_TYPE[r] for r in ft.results]), symbol,
                       [PTR] + [LLVM_TYPE[p] for p in ft.params])

    def direct_callee(self, func_idx: int) -> str:
        """The symbol of a defined function, for a direct call."""
        self.called.add(func_idx)
        return f"@wasm_func_{func_idx}"

    def direct_copy(self, func_idx: int) -> str:
        """The symbol of a resumable function's copy for calls passing 0 as the first argument
        (same signature; it ignores that argument: resumable.py)."""
        self.called_direct_copies.add(func_idx)
        return f"@wasm_func_{func_idx}.direct"

    def has_direct_copy(self, func_idx: int) -> bool:
        return self.direct_copies and func_idx in self.resumable

    def definition(self, func_idx: int) -> str:
        """The name this IR module defines a function under (no `@`)."""
        return f"wasm_func_{func_idx}"

    def copy_definition(self, func_idx: int) -> str:
        """The name this IR module defines a resumable function's direct-call copy under."""
        self.called_direct_copies.add(func_idx)
        return f"wasm_func_{func_idx}.direct"

    def constant(self, t, ty: str, value: int) -> Value:
        """An i32/i64.const operand (the function cache makes some of them placeholders)."""
        return const_int(ty, value)

    # --- instance fields, loaded once per function -------------------------------------------
    def _field(self, t, offset: int) -> Value:
        return t.once(f"vmctx+{offset}", lambda: t.b.field(VMCTX, offset, t.b.entry))

    def _array_item(self, t, offset: int, index: int, stride: int = 8) -> Value:
        """The pointer at vmctx->field[index], loaded once per function."""
        def load() -> Value:
            b = t.b
            arr = b.load_invariant(PTR, self._field(t, offset), b.entry)
            return b.load_invariant(PTR, b.field(arr, index * stride, b.entry), b.entry)
        return t.once(f"vmctx+{offset}[{index}]", load)

    def memory_base(self, t) -> Value:
        return t.once("membase", lambda: t.b.load_invariant(PTR, VMCTX, t.b.entry))

    def memory_desc(self, t, mem_idx: int) -> Value:
        return self._array_item(t, VmctxOffset.MEMORIES, mem_idx)

    def memory_size_bytes(self, t, mem_idx: int) -> Value:
        return t.b.load(I64, t.b.field(self.memory_desc(t, mem_idx), MEMORY_SIZE), alias=Alias.RUNTIME)

    def memory_index(self, mem_idx: int) -> Value:
        return const_int(I32, mem_idx)

    def global_cell(self, t, global_idx: int) -> Value:
        return self._array_item(t, VmctxOffset.GLOBALS, global_idx)

    def table_desc(self, t, table_idx: int) -> Value:
        return self._array_item(t, VmctxOffset.TABLES, table_idx)

    def table_size(self, t, table_idx: int) -> Value:
        return t.b.load(I32, t.b.field(self.table_desc(t, table_idx), TABLE_SIZE), alias=Alias.RUNTIME)

    def table_elems(self, t, table_idx: int) -> Value:
        # TABLE_ELEMS == 0; the array moves when the table grows, so it is loaded where it is used.
        return t.b.load(PTR, self.table_desc(t, table_idx), alias=Alias.RUNTIME)

    def table_index(self, table_idx: int) -> Value:
        return const_int(I32, table_idx)

    def segment_index(self, idx: int) -> Value:
        """A data or element segment index, as the bulk operations of runtime_c take it."""
        return const_int(I32, idx)

    def funcref(self, t, func_idx: int, called: bool = False) -> Value:
        """Pointer to this instance's wasmc_funcref record of func_idx (`called`: for a call of an
        import, else for ref.func)."""
        b = t.b
        return b.field(self._funcrefs(t), func_idx * FUNCREF_SIZE)

    def _funcrefs(self, t) -> Value:
        b = t.b
        return t.once("funcrefs", lambda: b.load_invariant(PTR, self._field(t, VmctxOffset.FUNCREFS), b.entry))

    def type_id(self, t, type_idx: int) -> Value:
        """The canonical signature id of type_idx, as call_indirect compares it."""
        def load() -> Value:
            b = t.b
            return b.load_invariant(I64, b.field(self._type_ids(t), type_idx * 8, b.entry), b.entry)
        return t.once(f"typeid{type_idx}", load)

    def _type_ids(self, t) -> Value:
        return t.b.load_invariant(PTR, self._field(t, VmctxOffset.TYPE_IDS), t.b.entry)

    def fuel_cell(self, t) -> Value:
        """vmctx->fuel, which fuel-metered code reads and writes (meter.py)."""
        return self._field(t, VmctxOffset.FUEL)

    def interrupt_flag(self, t) -> Value:
        """The flag interruptible code checks (wasmc_interrupt, through vmctx)."""
        return t.once("interrupt", lambda: t.b.load_invariant(PTR, self._field(t, VmctxOffset.INTERRUPT), t.b.entry))

    def stack_limit(self, t) -> Value:
        b = t.b
        ptr = b.load_invariant(PTR, self._field(t, VmctxOffset.STACK_LIMIT), b.entry)
        return b.entry_load(I64, ptr)


assert TABLE_ELEMS == 0 and GLOBAL_CELL_SIZE >= 8
