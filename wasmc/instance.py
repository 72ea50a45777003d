"""Module (compiled code) and Instance (vmctx, memories, tables, globals, segments, exports).

Instantiation follows the spec's order: link imports, evaluate globals, apply active element then data
segments in order (a segment out of bounds stops instantiation; earlier writes stay visible through
shared tables and memories), then run the start function.
"""
from __future__ import annotations

import bisect
from pathlib import Path

from .api import (Extern, Func, FuncRef, Global, Memory, Table, _rt, to_bits,
                  type_id)
from .errors import InstantiationError, LinkError, Trap
from .wasm.module import ConstExpr
from .wasm.module import Module as WasmModule
from .wasm.types import (I32, ExternKind, FuncType, Limits)

_KIND_CLASS = {ExternKind.FUNC: Func, ExternKind.TABLE: Table, ExternKind.MEMORY: Memory,
               ExternKind.GLOBAL: Global}


class Module:
    """A decoded, validated and compiled module, loaded in-process and ready to instantiate."""

    def __init__(self, data: bytes, opt_level: int = 2, cache: bool = True, progress=None):
        """Decode, validate and compile `data` (or take its code from the cache), and load it.
        `progress(done, total)` reports a long compile."""
        from .compile import shared_object
        from .jit import LoadedCode
        from .wasm.decode import decode_module
        data = bytes(data)
        self.wasm: WasmModule = decode_module(data)
        so = shared_object(data, self.wasm, opt_level, use_cache=cache, progress=progress)
        self.code = LoadedCode(so, len(self.wasm.code), len(self.wasm.types))

    @classmethod
    def from_file(cls, path: str | Path, opt_level: int = 2) -> "Module":
        return cls(Path(path).read_bytes(), opt_level)


def _wasi_functions(wasi, m: WasmModule) -> dict[str, _CallerFunc]:
    from .wasi import functype_of
    # A name with variants (sock_accept, ...) binds the one of the import's type, as WasmEdge does.
    wanted = {imp.name: m.types[imp.desc] for imp in m.imports
              if imp.module == WASI_MODULE and imp.kind == ExternKind.FUNC}
    return {name: _CallerFunc(functype_of(sig), addr) for name, (addr, sig) in wasi.functions(wanted).items()}


def _limits_match(actual: Limits, expected: Limits) -> bool:
    if actual.min < expected.min:
        return False
    if expected.max is None:
        return True
    return actual.max is not None and actual.max <= expected.max


WASI_MODULE = "wasi_snapshot_preview1"


class _CallerFunc:
    """An import implemented in C that takes the *calling* instance as its context (WASI)."""

    def __init__(self, ft: FuncType, address: int):
        self.type = ft
        self.address = address


class Instance:
    def __init__(self, module: Module, imports: dict[str, dict[str, Extern]] | None = None,
                 wasi=None):
        """Instantiate `module`. Imports come from `imports`, and WASI functions from `wasi` (a
        wasmc.wasi.Wasi) when it is given."""
        ffi, lib = _rt()
        self.module = module
        self.wasi = wasi
        self._code_starts: list[tuple[int, int]] | None = None
        m = module.wasm
        code = module.code
        imports = dict(imports or {})
        if wasi is not None:
            imports[WASI_MODULE] = {**_wasi_functions(wasi, m), **imports.get(WASI_MODULE, {})}
        resolved = self._link(m, imports)

        self.memories: list[Memory] = []
        self.tables: list[Table] = []
        self.globals: list[Global] = []
        imported_funcs: list[Func] = []
        for imp, ext in zip(m.imports, resolved):
            {ExternKind.FUNC: imported_funcs, ExternKind.TABLE: self.tables,
             ExternKind.MEMORY: self.memories, ExternKind.GLOBAL: self.globals}[imp.kind].append(ext)
        for mt in m.memories:
            self.memories.append(Memory(mt))
        for tt in m.tables:
            self.tables.append(Table(tt))
        # Tables and reference globals may come to hold pointers into this instance's funcref records
        # (segments, table.set, global.set), even if instantiation fails later: they keep it alive.
        for holder in self.tables + [g for g in self.globals if g.type.type.is_ref]:
            holder._users.append(self)

        vm = self.vmctx = ffi.new("wasmc_vmctx*")
        self._keep: list = []

        # Functions: imported records are copies; host functions get this module's adapter.
        n_funcs = len(m.func_type_idx)
        self._funcrefs = ffi.new("wasmc_funcref[]", max(n_funcs, 1))
        for func_idx, f in enumerate(imported_funcs):
            rec = self._funcrefs[func_idx]
            type_idx = m.func_type_idx[func_idx]
            if isinstance(f, _CallerFunc):
                rec.fn = ffi.cast("void*", f.address)
                rec.type_id = type_id(f.type)
                rec.vmctx = vm
            elif f._record is None:
                rec.fn = ffi.cast("void*", code.host_adapters[type_idx])
                rec.type_id = type_id(f.type)
                rec.vmctx = f.host_struct()
            else:
                rec.fn, rec.type_id, rec.vmctx = f._record.fn, f._record.type_id, f._record.vmctx
        for defined_idx, addr in enumerate(code.funcs):
            func_idx = m.num_imported_funcs + defined_idx
            rec = self._funcrefs[func_idx]
            rec.fn = ffi.cast("void*", addr)
            rec.type_id = type_id(m.func_type(func_idx))
            rec.vmctx = vm
        self._keep.append(imported_funcs)

        self._type_ids = ffi.new("uint64_t[]", [type_id(ft) for ft in m.types] or [0])

        # Globals: imported cells are shared; defined ones are evaluated in order.
        for g in m.globals:
            self.globals.append(Global(g.type, self._eval(g.init, g.type.type)))
        self._global_ptrs = ffi.new("void*[]", [gl._cell for gl in self.globals] or [ffi.NULL])

        self._memory_ptrs = ffi.new("wasmc_memory*[]", [mm._ptr for mm in self.memories] or [ffi.NULL])
        self._table_ptrs = ffi.new("wasmc_table*[]", [t._ptr for t in self.tables] or [ffi.NULL])

        # Segments: data bytes and evaluated element items, passive ones kept for memory/table.init.
        self._datas = ffi.new("wasmc_segment[]", max(len(m.datas), 1))
        for i, seg in enumerate(m.datas):
            buf = ffi.new("uint8_t[]", seg.data) if seg.data else ffi.NULL
            self._keep.append(buf)
            self._datas[i].ptr = buf
            self._datas[i].len = len(seg.data)
        self._elems = ffi.new("wasmc_segment[]", max(len(m.elems), 1))
        for i, seg in enumerate(m.elems):
            items = [self._eval(e, seg.elem_type) for e in seg.items]
            arr = ffi.new("void*[]", [ffi.cast("void*", to_bits(seg.elem_type, v)) for v in items] or [ffi.NULL])
            self._keep.append(arr)
            self._elems[i].ptr = arr
            self._elems[i].len = len(items)

        vm.mem0_base = self.memories[0]._ptr.base if self.memories else ffi.NULL
        vm.memories = self._memory_ptrs
        vm.globals = self._global_ptrs
        vm.tables = self._table_ptrs
        vm.funcrefs = self._funcrefs
        vm.type_ids = self._type_ids
        vm.datas = self._datas
        vm.elems = self._elems
        vm.stack_limit = ffi.addressof(lib, "wasmc_stack_limit")
        vm.host = wasi.state if wasi is not None else ffi.NULL

        self.exports: dict[str, Extern] = {}
        for e in m.exports:
            self.exports[e.name] = self._export(e.kind, e.index)

        self._initialize_segments()
        if m.start is not None:
            self._func(m.start).call_raw([])

    # --- linking ---------------------------------------------------------------------------------------
    @staticmethod
    def _link(m: WasmModule, imports) -> list[Extern]:
        resolved = []
        for imp in m.imports:
            ext = imports.get(imp.module, {}).get(imp.name)
            where = f"{imp.module}::{imp.name}"
            if ext is None:
                raise LinkError(f"unknown import: {where} has not been defined")
            expected_class = (Func, _CallerFunc) if imp.kind == ExternKind.FUNC else _KIND_CLASS[imp.kind]
            if not isinstance(ext, expected_class):
                raise LinkError(f"incompatible import type for {where}: expected {imp.kind.name.lower()}")
            ok = True
            if imp.kind == ExternKind.FUNC:
                ok = ext.type == m.types[imp.desc]
            elif imp.kind == ExternKind.GLOBAL:
                ok = ext.type == imp.desc
            elif imp.kind == ExternKind.MEMORY:
                ok = _limits_match(Limits(ext.size_pages(), ext.type.limits.max), imp.desc.limits)
            elif imp.kind == ExternKind.TABLE:
                ok = (ext.type.elem == imp.desc.elem
                      and _limits_match(Limits(ext.size(), ext.type.limits.max), imp.desc.limits))
            if not ok:
                raise LinkError(f"incompatible import type for {where}")
            resolved.append(ext)
        return resolved

    def function_at(self, pc: int) -> str | None:
        """The name of this module's defined function holding code address `pc`, if any."""
        if self._code_starts is None:
            code = self.module.code
            self._code_starts = sorted((addr, i) for addrs in (code.funcs, code.entry_variants)
                                       for i, addr in enumerate(addrs) if addr)
        k = bisect.bisect_right(self._code_starts, (pc, len(self._code_starts))) - 1
        if k < 0:
            return None
        return self.module.wasm.func_name(self.module.wasm.num_imported_funcs + self._code_starts[k][1])

    # --- exports ---------------------------------------------------------------------------------------
    def _func(self, func_idx: int) -> Func:
        ft = self.module.wasm.func_type(func_idx)
        entry = self.module.code.entries[self.module.wasm.func_type_idx[func_idx]]
        return Func(ft, self._funcrefs + func_idx, entry, owner=self)

    def _export(self, kind: ExternKind, index: int) -> Extern:
        if kind == ExternKind.FUNC:
            return self._func(index)
        if kind == ExternKind.GLOBAL:
            return self.globals[index]
        if kind == ExternKind.MEMORY:
            return self.memories[index]
        return self.tables[index]

    # --- constant expressions and segments ----------------------------------------------------------
    def _eval(self, expr: ConstExpr, result_type):
        """Evaluate a constant expression to a raw value (references as raw API values)."""
        ffi, _ = _rt()
        stack: list = []
        for name, imm in expr:
            if name.endswith(".const"):
                stack.append(imm & (0xFFFFFFFF if name[1:3] == "32" else (1 << 64) - 1))
            elif name == "ref.null":
                stack.append(None)
            elif name == "ref.func":
                stack.append(FuncRef(int(ffi.cast("uintptr_t", self._funcrefs + imm))))
            elif name == "global.get":
                stack.append(self.globals[imm].get_raw())
            elif name in ("i32.add", "i32.sub", "i32.mul", "i64.add", "i64.sub", "i64.mul"):
                b, a = stack.pop(), stack.pop()
                r = {"add": a + b, "sub": a - b, "mul": a * b}[name[4:]]
                stack.append(r & (0xFFFFFFFF if name[1:3] == "32" else (1 << 64) - 1))
            else:
                raise InstantiationError(f"unsupported constant expression operator {name}")
        return stack[-1]

    def _initialize_segments(self) -> None:
        ffi, _ = _rt()
        m = self.module.wasm
        for i, seg in enumerate(m.elems):
            if seg.mode == "active":
                offset = self._eval(seg.offset, I32)
                table = self.tables[seg.table_idx]._ptr
                n = self._elems[i].len
                if offset + n > table.size:
                    raise InstantiationError("out of bounds table access",
                                             Trap("table_oob", "out of bounds table access"))
                src = ffi.cast("void**", self._elems[i].ptr)
                for j in range(n):
                    table.elems[offset + j] = src[j]
            if seg.mode in ("active", "declarative"):
                self._elems[i].len = 0
        for i, seg in enumerate(m.datas):
            if seg.mode == "active":
                offset = self._eval(seg.offset, I32)
                mem = self.memories[seg.mem_idx]._ptr
                if offset + len(seg.data) > mem.size:
                    raise InstantiationError("out of bounds memory access",
                                             Trap("memory_oob", "out of bounds memory access"))
                if seg.data:
                    ffi.memmove(mem.base + offset, seg.data, len(seg.data))
                self._datas[i].len = 0
