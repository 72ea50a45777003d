"""The Python API: compile a module, instantiate it with imports, call its exports.

    m = wasmc.Module.from_file("add.wasm")
    inst = wasmc.Instance(m, {})
    inst.exports["add"](1, 2)          # -> 3

Values cross this boundary in two forms: `f(*args)` takes and returns Python ints and floats, and
`f.call_raw(args)` takes and returns raw bit patterns (i32/f32 as u32 bits, i64/f64 as u64 bits), which
is what the spec tests need. References are `FuncRef` or any Python object (externref), None for null.
"""
from __future__ import annotations

import struct
import threading
from dataclasses import dataclass

from .abi import TrapKind
from .errors import InstantiationError, LinkError, ProcExit, Trap
from .wasm.types import (F32, F64, FUNCREF, I32, I64, MAX_PAGES, FuncType, GlobalType,
                         MemoryType, TableType, ValType)

_MASK = {I32: 0xFFFFFFFF, F32: 0xFFFFFFFF, I64: (1 << 64) - 1, F64: (1 << 64) - 1}


def _rt():
    from ._rt import ffi, lib
    _init_runtime(lib)
    return ffi, lib


_runtime_ready = False


def _init_runtime(lib) -> None:
    global _runtime_ready
    if not _runtime_ready:
        lib.wasmc_runtime_init()
        _runtime_ready = True


# --- canonical signature ids, shared by every instance in the process ----------------------------------
_type_ids: dict[FuncType, int] = {}


def type_id(ft: FuncType) -> int:
    tid = _type_ids.get(ft)
    if tid is None:
        tid = _type_ids[ft] = len(_type_ids) + 1
    return tid


# --- references -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FuncRef:
    """A non-null funcref value: the address of a wasmc_funcref record."""
    address: int


class _ExternRegistry:
    """Externref handles: host objects get small integer handles (0 is null) that live in wasm."""

    def __init__(self):
        self.objects: list[object] = []
        self.handles: dict[tuple[type, object], int] = {}

    def handle(self, obj) -> int:
        if obj is None:
            return 0
        try:
            key = (type(obj), obj)
            h = self.handles.get(key)
        except TypeError:                        # unhashable: a new handle each time
            key, h = None, None
        if h is None:
            self.objects.append(obj)
            h = len(self.objects)
            if key is not None:
                self.handles[key] = h
        return h

    def object(self, h: int):
        return None if h == 0 else self.objects[h - 1]


_externs = _ExternRegistry()


def to_bits(t: ValType, v) -> int:
    """A raw API value -> the 64-bit slot content."""
    if t is FUNCREF:
        return 0 if v is None else (v.address if isinstance(v, FuncRef) else v.record_address())
    if t is ValType.EXTERNREF:
        return _externs.handle(v)
    return int(v) & _MASK[t]


def from_bits(t: ValType, bits: int):
    if t is FUNCREF:
        return None if bits == 0 else FuncRef(bits)
    if t is ValType.EXTERNREF:
        return _externs.object(bits)
    return bits & _MASK[t]


def _to_python(t: ValType, bits):
    if t is F32:
        return struct.unpack("<f", struct.pack("<I", bits))[0]
    if t is F64:
        return struct.unpack("<d", struct.pack("<Q", bits))[0]
    if t is I32:
        return bits - (1 << 32) if bits >> 31 else bits
    if t is I64:
        return bits - (1 << 64) if bits >> 63 else bits
    return bits


def _from_python(t: ValType, v):
    if t is F32:
        return struct.unpack("<I", struct.pack("<f", v))[0]
    if t is F64:
        return struct.unpack("<Q", struct.pack("<d", v))[0]
    return v


# --- traps ------------------------------------------------------------------------------------------------
class _Pending(threading.local):
    error: BaseException | None = None


_pending = _Pending()
_host_errors: list[BaseException] = []   # set on the wasm thread, read on the caller's thread


def _raise_trap(kind: int, owner=None) -> None:
    """Raise what wasmc_invoke reported; `owner` (an Instance) names the wasm function that trapped."""
    ffi, lib = _rt()
    if kind == TrapKind.HOST and _host_errors:
        raise _host_errors.pop()
    if kind == TrapKind.EXIT:
        raise ProcExit(lib.wasmc_exit_code())
    func = owner.function_at(lib.wasmc_trap_pc()) if hasattr(owner, "function_at") else None
    message = ffi.string(lib.wasmc_trap_message(kind)).decode()
    if kind == TrapKind.UNINITIALIZED and lib.wasmc_trap_element() >= 0:
        message += f" {lib.wasmc_trap_element()}"       # the spec's wording: "uninitialized element 2"
    raise Trap(TrapKind(kind).name.lower(), message, func)


def _host_trampoline(handle, slots) -> int:
    ffi, _ = _rt()
    func: Func = ffi.from_handle(handle)
    try:
        ft = func.type
        args = [from_bits(t, slots[i]) for i, t in enumerate(ft.params)]
        results = func._pyfn(args)
        for i, t in enumerate(ft.results):
            slots[i] = to_bits(t, results[i])
        return 0
    except BaseException as e:  # noqa: BLE001 - any host failure becomes a trap carrying it
        _host_errors.append(e)
        return 1


_callback_installed = False


def _install_callback() -> None:
    global _callback_installed
    if not _callback_installed:
        ffi, _ = _rt()
        ffi.def_extern(name="wasmc_py_host_call")(_host_trampoline)
        _callback_installed = True


# --- externs ----------------------------------------------------------------------------------------------
class Func:
    """A function: an instance's export, or a host function made with Func.host()."""

    def __init__(self, ft: FuncType, record=None, entry: int = 0, owner=None, pyfn=None):
        self.type = ft
        self._record = record           # cdata wasmc_funcref* (None for host functions)
        self._entry = entry             # entry trampoline address for this signature
        self._owner = owner             # keeps the code and instance alive
        self._pyfn = pyfn
        self._host_struct = None
        self.stack_size = 0

    @classmethod
    def host(cls, ft: FuncType, fn) -> "Func":
        """A host function taking and returning lists of raw values."""
        return cls(ft, pyfn=fn)

    def host_struct(self):
        """The wasmc_host_func that generated adapters call for this host function."""
        if self._host_struct is None:
            ffi, lib = _rt()
            _install_callback()
            self._handle = ffi.new_handle(self)
            self._host_struct = ffi.new("wasmc_host_func*")
            self._host_struct.call = lib.wasmc_py_host_call
            self._host_struct.handle = self._handle
        return self._host_struct

    def record_address(self) -> int:
        ffi, _ = _rt()
        if self._record is None:
            raise LinkError("a host function has no funcref until a module imports it")
        return int(ffi.cast("uintptr_t", self._record))

    def call_raw(self, args: list) -> list:
        ft = self.type
        if len(args) != len(ft.params):
            raise TypeError(f"expected {len(ft.params)} arguments, got {len(args)}")
        if self._pyfn is not None:
            return [to_bits(t, v) & _MASK.get(t, -1) if t.is_num else v
                    for t, v in zip(ft.results, self._pyfn(list(args)))]
        ffi, lib = _rt()
        slots = ffi.new("uint64_t[]", max(len(ft.params), len(ft.results), 1))
        for i, (t, v) in enumerate(zip(ft.params, args)):
            slots[i] = to_bits(t, v)
        rec = self._record
        kind = lib.wasmc_invoke(ffi.cast("wasmc_entry_fn", self._entry), rec.vmctx, rec.fn, slots,
                                self.stack_size)
        if kind:
            _raise_trap(kind, self._owner)
        return [from_bits(t, slots[i]) for i, t in enumerate(ft.results)]

    def __call__(self, *args):
        ft = self.type
        raw = self.call_raw([_from_python(t, a) for t, a in zip(ft.params, args)])
        out = [_to_python(t, r) for t, r in zip(ft.results, raw)]
        return None if not out else out[0] if len(out) == 1 else tuple(out)


class Global:
    """A global variable: a 16-byte cell that generated code reads and writes in place."""

    def __init__(self, gt: GlobalType, value=0, *, cell=None, owner=None):
        ffi, _ = _rt()
        self.type = gt
        self._owner = owner
        self._users: list = []        # instances whose funcrefs this global may hold
        if cell is None:
            cell = ffi.new("uint64_t[2]")
            cell[0] = to_bits(gt.type, value)
        self._cell = cell

    def get_raw(self):
        return from_bits(self.type.type, self._cell[0])

    def set_raw(self, value) -> None:
        self._cell[0] = to_bits(self.type.type, value)

    @property
    def value(self):
        return _to_python(self.type.type, self.get_raw())


class Memory:
    """A linear memory (reservation + guard pages, runtime_c/memory.c)."""

    def __init__(self, mt: MemoryType, *, ptr=None, owner=None):
        ffi, lib = _rt()
        self.type = mt
        self._owner = owner
        if ptr is None:
            limits = mt.limits
            raw = lib.wasmc_memory_new(limits.min, MAX_PAGES if limits.max is None else limits.max)
            if raw == ffi.NULL:
                raise InstantiationError("cannot reserve memory")
            ptr = ffi.gc(raw, lib.wasmc_memory_free)
        self._ptr = ptr

    def size_pages(self) -> int:
        return self._ptr.size // 65536

    def grow(self, delta: int) -> int:
        _, lib = _rt()
        r = lib.wasmc_memory_grow_raw(self._ptr, delta)
        return -1 if r == 0xFFFFFFFF else r

    def read(self, offset: int, n: int) -> bytes:
        ffi, _ = _rt()
        if offset < 0 or n < 0 or offset + n > self._ptr.size:
            raise IndexError("out of bounds memory access")
        return bytes(ffi.buffer(self._ptr.base + offset, n))

    def write(self, offset: int, data: bytes) -> None:
        ffi, _ = _rt()
        if offset < 0 or offset + len(data) > self._ptr.size:
            raise IndexError("out of bounds memory access")
        ffi.memmove(self._ptr.base + offset, data, len(data))


class Table:
    """A table of references (runtime_c/table.c)."""

    def __init__(self, tt: TableType, init=None, *, ptr=None, owner=None):
        ffi, lib = _rt()
        self.type = tt
        self._owner = owner
        self._users: list = []        # instances whose funcrefs this table may hold
        if ptr is None:
            limits = tt.limits
            raw = lib.wasmc_table_new(limits.min, 0xFFFFFFFF if limits.max is None else limits.max)
            if raw == ffi.NULL:
                raise InstantiationError("cannot allocate table")
            ptr = ffi.gc(raw, lib.wasmc_table_free)
            if init is not None:
                bits = to_bits(tt.elem, init)
                for i in range(limits.min):
                    ptr.elems[i] = ffi.cast("void*", bits)
        self._ptr = ptr

    def size(self) -> int:
        return self._ptr.size

    def get_raw(self, i: int):
        ffi, _ = _rt()
        if not 0 <= i < self._ptr.size:
            raise IndexError("out of bounds table access")
        return from_bits(self.type.elem, int(ffi.cast("uintptr_t", self._ptr.elems[i])))


Extern = Func | Global | Memory | Table
