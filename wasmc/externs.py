"""The things a module imports and exports: Func, Global, Memory and Table. Each wraps runtime_c's own
object (a wasmc_funcref record, a wasmc_global cell, a wasmc_memory, a wasmc_table), made here for the
host or owned by the instance that exports it; calls into wasm and host functions called from wasm
cross here too."""
from __future__ import annotations

from .errors import InstantiationError, LinkError
from .runtime import runtime
from .traps import host_failed, raise_trap
from .abi import slots_needed
from .values import MASK, from_bits, from_python, read_slots, to_bits, to_python, write_slots
from .wasm.types import MAX_PAGES, MAX_PAGES64, FuncType, GlobalType, MemoryType, TableType


class Func:
    """A function: an instance's export, to call, or a host function made with Func.host(), to import.

        add = instance.exports["add"]
        add(1, 2)                  # -> 3: Python numbers in and out
        add.call_raw([1, 2])       # -> [3]: raw values (values.py), as the spec tests use them
        log = Func.host(FuncType((I32,), ()), lambda args: print(args[0]) or [])
        wasmc.Instance(module, {"env": {"log": log}})

    A call runs wasm on a thread of its own with `stack_size` bytes of stack (0: runtime_c's default,
    256 MiB); a trap raises Trap, proc_exit raises ProcExit.
    """

    def __init__(self, ft: FuncType, record=None, entry: int = 0, owner=None, pyfn=None):
        self.type = ft
        self.record = record            # cdata wasmc_funcref* of an instance (None for host functions)
        self._entry = entry             # the entry trampoline for this signature
        self._owner = owner             # keeps the code and the instance alive
        self._pyfn = pyfn
        self._host_func = None
        self.stack_size = 0

    @classmethod
    def host(cls, ft: FuncType, fn) -> "Func":
        """A host function of type `ft`: fn(list of raw arguments) -> list of raw results."""
        return cls(ft, pyfn=fn)

    def host_func(self):
        """The wasmc_host_func through which wasm calls this host function (made on first use)."""
        if self._host_func is None:
            ffi, lib = runtime()
            _install_host_callback()
            self._handle = ffi.new_handle(self)
            self._host_func = ffi.new("wasmc_host_func*")
            self._host_func.call = lib.wasmc_py_host_call
            self._host_func.handle = self._handle
        return self._host_func

    def record_address(self) -> int:
        """The address of this function's wasmc_funcref record, the value of a funcref to it."""
        ffi, _ = runtime()
        if self.record is None:
            raise LinkError("a host function has no funcref until a module imports it")
        return int(ffi.cast("uintptr_t", self.record))

    def call_raw(self, args: list) -> list:
        """Call with raw arguments; returns the raw results."""
        ft = self.type
        if len(args) != len(ft.params):
            raise TypeError(f"expected {len(ft.params)} arguments, got {len(args)}")
        if self._pyfn is not None:
            return [to_bits(t, v) & MASK[t] if not t.is_ref else v
                    for t, v in zip(ft.results, self._pyfn(list(args)))]
        ffi, lib = runtime()
        slots = ffi.new("uint64_t[]", slots_needed(ft))
        write_slots(slots, ft.params, args)
        rec = self.record
        kind = lib.wasmc_invoke(ffi.cast("wasmc_entry_fn", self._entry), rec.vmctx, rec.fn, slots,
                                self.stack_size)
        if kind:
            raise_trap(kind, self._owner)
        return read_slots(slots, ft.results)

    def __call__(self, *args):
        ft = self.type
        raw = self.call_raw([from_python(t, a) for t, a in zip(ft.params, args)])
        out = [to_python(t, r) for t, r in zip(ft.results, raw)]
        return None if not out else out[0] if len(out) == 1 else tuple(out)


def _host_trampoline(handle, slots) -> int:
    """wasmc_py_host_call: runs a host function on the wasm thread; a failure is kept for raise_trap."""
    ffi, _ = runtime()
    func: Func = ffi.from_handle(handle)
    try:
        ft = func.type
        results = func._pyfn(read_slots(slots, ft.params))
        write_slots(slots, ft.results, [results[i] for i in range(len(ft.results))])   # too few: IndexError
        return 0
    except BaseException as e:  # noqa: BLE001 - any host failure becomes a trap carrying it
        host_failed(e)
        return 1


_callback_installed = False


def _install_host_callback() -> None:
    global _callback_installed
    if not _callback_installed:
        ffi, _ = runtime()
        ffi.def_extern(name="wasmc_py_host_call")(_host_trampoline)
        _callback_installed = True


class Global:
    """A global variable: a 16-byte cell (struct wasmc_global) that wasm code reads and writes in place.
    Make one to import, or take an instance's from its exports:

        counter = Global(GlobalType(I32, True), 5)
        instance = wasmc.Instance(module, {"env": {"counter": counter}})
        counter.value              # -> 5, or what the module stored since; get_raw()/set_raw() for raw values
    """

    def __init__(self, gt: GlobalType, value=0, *, cell=None, owner=None):
        ffi, _ = runtime()
        self.type = gt
        self._owner = owner
        self._users: list = []          # instances whose function records this global may hold
        if cell is None:
            cell = ffi.new("wasmc_global*")
            write_slots(cell.bits, (gt.type,), (value,))
        self.cell = cell                # cdata wasmc_global*

    def keep_alive(self, instance) -> None:
        """Keep `instance` alive as long as this global: its value may be one of the instance's funcrefs."""
        self._users.append(instance)

    def get_raw(self):
        return read_slots(self.cell.bits, (self.type.type,))[0]

    def set_raw(self, value) -> None:
        write_slots(self.cell.bits, (self.type.type,), (value,))

    @property
    def value(self):
        return to_python(self.type.type, self.get_raw())


class Memory:
    """A linear memory (runtime_c/memory.c: an 8 GiB reservation, guard pages past its size; a 64-bit
    one, MemoryType(limits, is64=True), holds at most those 8 GiB). Make one to import, or take an
    instance's from its exports:

        memory = instance.exports["memory"]
        memory.write(0, b"hi"); memory.read(0, 2)    # -> b"hi"
        memory.grow(1)                               # old size in pages, or -1
    """

    def __init__(self, mt: MemoryType, *, struct=None, owner=None):
        ffi, lib = runtime()
        self.type = mt
        self._owner = owner
        if struct is None:
            limits = mt.limits
            bound = MAX_PAGES64 if mt.is64 else MAX_PAGES
            if limits.min > bound or (limits.max or 0) > bound:
                raise InstantiationError(f"memory size must be at most {bound} pages")
            raw = lib.wasmc_memory_new(limits.min, bound if limits.max is None else limits.max)
            if raw == ffi.NULL:
                raise InstantiationError("cannot reserve memory")
            struct = ffi.gc(raw, lib.wasmc_memory_free)
        self.struct = struct            # cdata wasmc_memory*

    def size_pages(self) -> int:
        return self.struct.size // 65536

    def grow(self, delta: int) -> int:
        _, lib = runtime()
        if not 0 <= delta < 1 << 64:
            return -1
        r = lib.wasmc_memory_grow_raw(self.struct, delta)
        return -1 if r == (1 << 64) - 1 else r

    def read(self, offset: int, n: int) -> bytes:
        ffi, _ = runtime()
        if offset < 0 or n < 0 or offset + n > self.struct.size:
            raise IndexError("out of bounds memory access")
        return bytes(ffi.buffer(self.struct.base + offset, n))

    def write(self, offset: int, data: bytes) -> None:
        ffi, _ = runtime()
        if offset < 0 or offset + len(data) > self.struct.size:
            raise IndexError("out of bounds memory access")
        ffi.memmove(self.struct.base + offset, data, len(data))


class Table:
    """A table of references (runtime_c/table.c). Make one to import (every element `init`, default
    null), or take an instance's from its exports:

        table = Table(TableType(FUNCREF, Limits(10, 20)))
        table.size(); table.get_raw(0)               # -> 10, None
    """

    def __init__(self, tt: TableType, init=None, *, struct=None, owner=None):
        ffi, lib = runtime()
        self.type = tt
        self._owner = owner
        self._users: list = []          # instances whose function records this table may hold
        if struct is None:
            limits = tt.limits
            # A table64's limits may pass 2**32; the runtime caps every table far below that anyway.
            maximum = 0xFFFFFFFF if limits.max is None else min(limits.max, 0xFFFFFFFF)
            raw = lib.wasmc_table_new(limits.min, maximum) if limits.min <= maximum else ffi.NULL
            if raw == ffi.NULL:
                raise InstantiationError("cannot allocate table")
            struct = ffi.gc(raw, lib.wasmc_table_free)
            if init is not None:
                bits = to_bits(tt.elem, init)
                for i in range(limits.min):
                    struct.elems[i] = ffi.cast("void*", bits)
        self.struct = struct            # cdata wasmc_table*

    def keep_alive(self, instance) -> None:
        """Keep `instance` alive as long as this table: it may hold the instance's function records."""
        self._users.append(instance)

    def size(self) -> int:
        return self.struct.size

    def get_raw(self, i: int):
        ffi, _ = runtime()
        if not 0 <= i < self.struct.size:
            raise IndexError("out of bounds table access")
        return from_bits(self.type.elem, int(ffi.cast("uintptr_t", self.struct.elems[i])))


Extern = Func | Global | Memory | Table
