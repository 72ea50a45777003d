"""runtime_c through cffi: memories and guard pages, tables, bulk operators, wasmc_invoke and traps,
nested invokes through host callbacks, signal chaining, and the static library for AOT. Generated code is
stood in for by the entry functions of runtime_c/selftest.c."""
from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wasmc._rt import ffi, lib

ROOT = Path(__file__).resolve().parents[2]
PAGE = 65536
FAIL = 0xFFFFFFFF   # -1 as u32: what memory.grow and table.grow return on failure
FAIL64 = (1 << 64) - 1   # -1 as u64: what wasmc_memory_grow_raw (and memory64's memory.grow) return

# Op codes of wasmc_selftest_entry_runtime, in its enum order.
(OP_MEMORY_GROW, OP_MEMORY_COPY, OP_MEMORY_FILL, OP_MEMORY_INIT, OP_DATA_DROP,
 OP_TABLE_GROW, OP_TABLE_FILL, OP_TABLE_COPY, OP_TABLE_INIT, OP_ELEM_DROP) = range(10)
TOUCH_LOAD, TOUCH_STORE, TOUCH_ABSOLUTE = range(3)

lib.wasmc_runtime_init()


def entry(name: str):
    return ffi.addressof(lib, "wasmc_selftest_entry_" + name)


class Instance:
    """A hand-built vmctx holding memories, tables and passive segments, as the host would build one."""

    def __init__(self, memories=((1, 65536),), tables=(), datas=(), elems=()):
        self.memories = [lib.wasmc_memory_new(lo, hi) for lo, hi in memories]
        assert all(m != ffi.NULL for m in self.memories)
        self.tables = [lib.wasmc_table_new(size, hi) for size, hi in tables]
        assert all(t != ffi.NULL for t in self.tables)
        self.vmctx = ffi.new("wasmc_vmctx *")
        self._memory_array = ffi.new("wasmc_memory *[]", self.memories or [ffi.NULL])
        self._table_array = ffi.new("wasmc_table *[]", self.tables or [ffi.NULL])
        self._data_bytes = [ffi.new("uint8_t[]", bytes(d) or b"\0") for d in datas]
        self._elem_arrays = [ffi.new("void *[]", [ffi.cast("void *", v) for v in e] or [ffi.NULL])
                             for e in elems]
        self.datas = ffi.new("wasmc_segment[]", max(len(datas), 1))
        for seg, buf, d in zip(self.datas, self._data_bytes, datas):
            seg.ptr, seg.len = buf, len(d)
        self.elems = ffi.new("wasmc_segment[]", max(len(elems), 1))
        for seg, arr, e in zip(self.elems, self._elem_arrays, elems):
            seg.ptr, seg.len = arr, len(e)
        v = self.vmctx
        v.mem0_base = self.memories[0].base if self.memories else ffi.NULL
        v.memories, v.tables = self._memory_array, self._table_array
        v.datas, v.elems = self.datas, self.elems
        v.stack_limit = ffi.addressof(lib, "wasmc_stack_limit")

    def mem(self, mem_idx=0):
        m = self.memories[mem_idx]
        return ffi.buffer(ffi.cast("uint8_t *", m.base), m.size)

    def table(self, table_idx=0) -> list[int]:
        t = self.tables[table_idx]
        return [int(ffi.cast("uintptr_t", t.elems[i])) for i in range(t.size)]

    def invoke(self, name: str, *args: int, callee=ffi.NULL, stack_size=0) -> tuple[int, list[int]]:
        slots = ffi.new("uint64_t[8]", list(args))
        trap = lib.wasmc_invoke(entry(name), self.vmctx, callee, slots, stack_size)
        return trap, list(slots)

    def run(self, op: int, *args: int) -> tuple[int, int]:
        trap, slots = self.invoke("runtime", op, *args)
        return trap, slots[0]

    def close(self):
        for m in self.memories:
            lib.wasmc_memory_free(m)
        for t in self.tables:
            lib.wasmc_table_free(t)


@pytest.fixture
def inst():
    instance = Instance(memories=((1, 4), (1, 1)), tables=((4, 10), (2, 2)),
                        datas=(b"hello",), elems=((11, 22, 33),))
    yield instance
    instance.close()


# ---- Trap kinds and messages ----

MESSAGES = {
    "UNREACHABLE": "unreachable",
    "MEMORY_OOB": "out of bounds memory access",
    "INT_DIV_BY_ZERO": "integer divide by zero",
    "INT_OVERFLOW": "integer overflow",
    "INVALID_CONVERSION": "invalid conversion to integer",
    "INDIRECT_TYPE": "indirect call type mismatch",
    "TABLE_OOB": "out of bounds table access",
    "UNDEFINED_ELEMENT": "undefined element",
    "UNINITIALIZED": "uninitialized element",
    "STACK_EXHAUSTED": "call stack exhausted",
}


@pytest.mark.parametrize("name", MESSAGES)
def test_trap_message_is_the_spec_text(name):
    kind = getattr(lib, "WASMC_TRAP_" + name)
    assert ffi.string(lib.wasmc_trap_message(kind)).decode() == MESSAGES[name]


def test_trap_message_of_unknown_kind():
    for kind in (-1, lib.WASMC_TRAP_COUNT, 1000):
        assert ffi.string(lib.wasmc_trap_message(kind)) == b"unknown trap"


def test_header_constants():
    assert lib.WASMC_PAGE_SIZE == PAGE
    assert lib.WASMC_MEMORY_RESERVATION == 8 << 30
    assert lib.WASMC_TRAP_EXIT == 12 and lib.WASMC_TRAP_INTERRUPT == 14 and lib.WASMC_TRAP_COUNT == 15


def test_timeout_sets_the_interrupt_flag():
    # -W timeout: the timer thread raises wasmc_interrupt, which interruptible code checks.
    import time
    assert lib.wasmc_interrupt == 0
    try:
        assert lib.wasmc_set_timeout(1_000_000, ffi.NULL) == 0
        deadline = time.monotonic() + 5
        while lib.wasmc_interrupt == 0 and time.monotonic() < deadline:
            time.sleep(0.001)
        assert lib.wasmc_interrupt == 1
    finally:
        lib.wasmc_interrupt = 0


# ---- Memories ----

def test_memory_new_is_zeroed_and_writable():
    m = lib.wasmc_memory_new(2, 10)
    try:
        assert m.size == 2 * PAGE and m.max_pages == 10
        buf = ffi.buffer(ffi.cast("uint8_t *", m.base), m.size)
        assert buf[:] == bytes(2 * PAGE)
        buf[2 * PAGE - 1] = b"\x7f"
        assert m.base[2 * PAGE - 1] == 0x7F
    finally:
        lib.wasmc_memory_free(m)


def _vm_flags(address: int) -> list[str]:
    """The VmFlags of this process's mapping holding `address` (/proc/self/smaps)."""
    start = None
    for line in open("/proc/self/smaps"):
        head = line.split()[0]
        if "-" in head and ":" not in head:
            lo, hi = (int(x, 16) for x in head.split("-"))
            start = lo if lo <= address < hi else None
        elif head == "VmFlags:" and start is not None:
            return line.split()[1:]
    return []


def _thp_available() -> bool:
    try:
        return os.path.exists("/proc/self/smaps") and \
            "[never]" not in open("/sys/kernel/mm/transparent_hugepage/enabled").read()
    except OSError:
        return False


@pytest.mark.skipif(not _thp_available(), reason="needs Linux with transparent huge pages")
def test_large_memories_ask_for_huge_pages():
    """From 16 MiB a memory is advised for transparent huge pages (fewer faults); small ones are not."""
    small = lib.wasmc_memory_new(1, 1000)
    try:
        assert "hg" not in _vm_flags(int(ffi.cast("uintptr_t", small.base)))
        assert lib.wasmc_memory_grow_raw(small, 255) == 1          # 256 pages = 16 MiB
        assert "hg" in _vm_flags(int(ffi.cast("uintptr_t", small.base)))
    finally:
        lib.wasmc_memory_free(small)


def test_memory_new_limits():
    assert lib.wasmc_memory_new(3, 2) == ffi.NULL
    m = lib.wasmc_memory_new(0, 1 << 48)
    try:
        assert m.size == 0 and m.max_pages == 131072   # clamped to the 8 GiB reservation (memory64)
    finally:
        lib.wasmc_memory_free(m)
    assert lib.wasmc_memory_new(131073, 1 << 48) == ffi.NULL


def test_memory_grow_raw_returns_old_pages():
    m = lib.wasmc_memory_new(1, 4)
    try:
        assert lib.wasmc_memory_grow_raw(m, 0) == 1
        assert lib.wasmc_memory_grow_raw(m, 2) == 1
        assert m.size == 3 * PAGE
        assert lib.wasmc_memory_grow_raw(m, 2) == FAIL64
        assert m.size == 3 * PAGE
        assert lib.wasmc_memory_grow_raw(m, 1) == 3
        assert lib.wasmc_memory_grow_raw(m, 0) == 4
        assert lib.wasmc_memory_grow_raw(m, 0xFFFFFFFF) == FAIL64
        assert lib.wasmc_memory_grow_raw(m, FAIL64) == FAIL64     # the page count would wrap
        buf = ffi.buffer(ffi.cast("uint8_t *", m.base), m.size)
        assert buf[PAGE:] == bytes(3 * PAGE)   # grown pages read as zero
        buf[4 * PAGE - 1] = b"\x01"
    finally:
        lib.wasmc_memory_free(m)


def test_memory_grow_to_4_gib():
    m = lib.wasmc_memory_new(0, 65536)
    try:
        assert lib.wasmc_memory_grow_raw(m, 65537) == FAIL64
        assert lib.wasmc_memory_grow_raw(m, 65536) == 0
        assert m.size == 4 << 30
        assert lib.wasmc_memory_grow_raw(m, 1) == FAIL64
        m.base[(4 << 30) - 1] = 9   # only this page gets committed
    finally:
        lib.wasmc_memory_free(m)


def test_many_memories_reuse_reservations():
    # Each holds 8 GiB of address space and a registry slot; freeing must give both back.
    for _ in range(3000):
        m = lib.wasmc_memory_new(1, 1)
        assert m != ffi.NULL
        lib.wasmc_memory_free(m)


# ---- Tables ----

def test_table_new_and_grow_raw():
    assert lib.wasmc_table_new(3, 2) == ffi.NULL
    assert lib.wasmc_table_new(10_000_001, 0xFFFFFFFF) == ffi.NULL
    t = lib.wasmc_table_new(2, 5)
    try:
        assert (t.size, t.max) == (2, 5)
        assert t.elems[0] == ffi.NULL and t.elems[1] == ffi.NULL
        init = ffi.cast("void *", 0x1234)
        assert lib.wasmc_table_grow_raw(t, init, 0) == 2
        assert lib.wasmc_table_grow_raw(t, init, 2) == 2
        assert t.size == 4 and t.elems[1] == ffi.NULL
        assert t.elems[2] == init and t.elems[3] == init
        assert lib.wasmc_table_grow_raw(t, init, 2) == FAIL
        assert lib.wasmc_table_grow_raw(t, init, 1) == 4
        assert t.size == 5
    finally:
        lib.wasmc_table_free(t)


def test_table_grow_respects_host_cap():
    t = lib.wasmc_table_new(0, 0xFFFFFFFF)
    try:
        assert lib.wasmc_table_grow_raw(t, ffi.NULL, 0xFFFFFFFF) == FAIL
        assert lib.wasmc_table_grow_raw(t, ffi.NULL, 10_000_001) == FAIL
        assert lib.wasmc_table_grow_raw(t, ffi.NULL, 10) == 0
        assert t.size == 10
    finally:
        lib.wasmc_table_free(t)


# ---- wasmc_invoke and traps ----

@pytest.mark.parametrize("kind", range(1, 13))
def test_invoke_returns_the_trap_kind(inst, kind):
    assert inst.invoke("trap", kind)[0] == kind


def test_invoke_normal_return_and_results(inst):
    inst.mem()[100] = b"\x2a"
    assert inst.invoke("touch", 100, TOUCH_LOAD) == (0, [42, 0, 0, 0, 0, 0, 0, 0])
    assert inst.invoke("touch", 101, TOUCH_STORE, 7)[0] == 0
    assert inst.mem()[101] == b"\x07"


def test_exit_records_the_code(inst):
    assert inst.invoke("exit", 3)[0] == lib.WASMC_TRAP_EXIT
    assert lib.wasmc_exit_code() == 3
    assert inst.invoke("exit", 0)[0] == lib.WASMC_TRAP_EXIT
    assert lib.wasmc_exit_code() == 0


@pytest.mark.parametrize("address", [PAGE, PAGE + 1, 4 << 30, (8 << 30) - 1])
@pytest.mark.parametrize("mode", [TOUCH_LOAD, TOUCH_STORE])
def test_guard_pages_trap_out_of_bounds(inst, address, mode):
    assert inst.invoke("touch", address, mode)[0] == lib.WASMC_TRAP_MEMORY_OOB


def test_grown_pages_stop_trapping(inst):
    assert inst.invoke("touch", PAGE, TOUCH_LOAD)[0] == lib.WASMC_TRAP_MEMORY_OOB
    assert inst.run(OP_MEMORY_GROW, 0, 1) == (0, 1)
    assert inst.invoke("touch", PAGE, TOUCH_STORE, 5)[0] == 0
    assert inst.invoke("touch", 2 * PAGE, TOUCH_LOAD)[0] == lib.WASMC_TRAP_MEMORY_OOB
    assert inst.run(OP_MEMORY_GROW, 0, 3) == (0, FAIL)   # max is 4 pages
    assert inst.run(OP_MEMORY_GROW, 1, 1) == (0, FAIL)   # memory 1 is capped at 1 page


def test_repeated_faults_still_trap(inst):
    # The signal mask must be restored on every unwind, or the second fault would kill the process.
    for _ in range(200):
        assert inst.invoke("touch", PAGE, TOUCH_LOAD)[0] == lib.WASMC_TRAP_MEMORY_OOB


@pytest.mark.parametrize("stack_size", [0, 1 << 20, 100])
@pytest.mark.parametrize("checked", [1, 0], ids=["limit-check", "guard-page"])
def test_stack_exhaustion_traps(inst, stack_size, checked):
    before = lib.wasmc_stack_limit
    assert inst.invoke("recurse", checked, stack_size=stack_size)[0] == lib.WASMC_TRAP_STACK_EXHAUSTED
    assert lib.wasmc_stack_limit == before


def test_stack_limit_is_set_only_during_invoke(inst):
    seen = []

    def host(handle, slots):
        seen.append(lib.wasmc_stack_limit)
        return 0

    f, keep = host_func(host)
    assert inst.invoke("host", 0, callee=f)[0] == 0
    assert seen[0] != 0 and lib.wasmc_stack_limit == 0


# ---- Host calls and nested invokes ----

def host_func(fn):
    """A wasmc_host_func calling fn(handle, slots) through a cffi callback; keep the second value alive."""
    callback = ffi.callback("int(void *, uint64_t *)", fn)
    f = ffi.new("wasmc_host_func *", {"call": callback, "handle": ffi.NULL})
    return f, callback


def test_host_call_success_resumes_wasm(inst):
    def host(handle, slots):
        slots[0] = slots[0] * 10
        return 0

    f, keep = host_func(host)
    assert inst.invoke("host", 4, callee=f) == (0, [41, 0, 0, 0, 0, 0, 0, 0])


def test_host_call_failure_traps(inst):
    f, keep = host_func(lambda handle, slots: 1)
    assert inst.invoke("host", 0, callee=f)[0] == lib.WASMC_TRAP_HOST


def test_nested_invoke_through_host_callback(inst):
    results = []

    def host(handle, slots):
        outer_limit = lib.wasmc_stack_limit
        results.append(inst.invoke("touch", PAGE, TOUCH_LOAD)[0])
        results.append(inst.invoke("trap", lib.WASMC_TRAP_INT_OVERFLOW)[0])
        results.append(inst.invoke("recurse", 1, stack_size=1 << 20)[0])
        results.append(lib.wasmc_stack_limit == outer_limit)
        slots[0] = 100
        return 0

    f, keep = host_func(host)
    assert inst.invoke("host", 0, callee=f) == (0, [101, 0, 0, 0, 0, 0, 0, 0])
    assert results == [lib.WASMC_TRAP_MEMORY_OOB, lib.WASMC_TRAP_INT_OVERFLOW,
                       lib.WASMC_TRAP_STACK_EXHAUSTED, True]
    # After a trap in the inner level, the outer level still traps to its own invoke.
    f2, keep2 = host_func(lambda handle, slots: inst.invoke("trap", 1)[0] - 1)
    assert inst.invoke("host", 0, callee=f2) == (0, [1, 0, 0, 0, 0, 0, 0, 0])


def test_deeply_nested_invokes(inst):
    def host(handle, slots):
        depth = slots[0]
        if depth == 20:
            return 0
        trap, inner = inst.invoke("host", depth + 1, callee=f)
        slots[0] = inner[0]
        return trap

    f, keep = host_func(host)
    assert inst.invoke("host", 0, callee=f) == (0, [20 + 20 + 1, 0, 0, 0, 0, 0, 0, 0])


# ---- Bulk memory operators ----

def test_memory_copy_overlapping(inst):
    inst.mem()[0:8] = b"abcdefgh"
    assert inst.run(OP_MEMORY_COPY, 0, 0, 2, 0, 6) == (0, 0)
    assert inst.mem()[0:8] == b"ababcdef"
    assert inst.run(OP_MEMORY_COPY, 0, 0, 0, 2, 6) == (0, 0)
    assert inst.mem()[0:8] == b"abcdefef"


def test_memory_copy_between_memories(inst):
    inst.mem(0)[10:13] = b"xyz"
    assert inst.run(OP_MEMORY_COPY, 1, 0, PAGE - 3, 10, 3) == (0, 0)
    assert inst.mem(1)[PAGE - 3:] == b"xyz"


@pytest.mark.parametrize("dst, src, n, trapped", [
    (PAGE - 4, 0, 4, False),
    (PAGE, 0, 0, False),          # empty at exactly the end
    (0, PAGE, 0, False),
    (PAGE + 1, 0, 0, True),       # empty past the end still traps
    (PAGE - 3, 0, 4, True),
    (0, PAGE - 3, 4, True),
    (0xFFFFFFFF, 0, 2, True),     # would wrap in 32 bits
])
def test_memory_copy_bounds(inst, dst, src, n, trapped):
    inst.mem()[:] = b"\x01" * PAGE
    trap, _ = inst.run(OP_MEMORY_COPY, 0, 0, dst, src, n)
    assert trap == (lib.WASMC_TRAP_MEMORY_OOB if trapped else 0)
    if trapped:
        assert inst.mem()[:] == b"\x01" * PAGE   # nothing written before the trap


def test_memory_fill(inst):
    assert inst.run(OP_MEMORY_FILL, 0, 10, 0x1AB, 5) == (0, 0)   # value taken modulo 256
    assert inst.mem()[9:16] == b"\0" + b"\xab" * 5 + b"\0"
    assert inst.run(OP_MEMORY_FILL, 0, PAGE, 1, 0) == (0, 0)
    assert inst.run(OP_MEMORY_FILL, 0, PAGE - 1, 7, 2)[0] == lib.WASMC_TRAP_MEMORY_OOB
    assert inst.mem()[PAGE - 1] == b"\0"


def test_memory_init_and_data_drop(inst):
    assert inst.run(OP_MEMORY_INIT, 0, 0, 100, 1, 4) == (0, 0)
    assert inst.mem()[100:104] == b"ello"
    assert inst.run(OP_MEMORY_INIT, 0, 0, 200, 2, 4)[0] == lib.WASMC_TRAP_MEMORY_OOB   # past segment
    assert inst.run(OP_MEMORY_INIT, 0, 0, PAGE - 1, 0, 2)[0] == lib.WASMC_TRAP_MEMORY_OOB
    assert inst.mem()[200:204] == bytes(4) and inst.mem()[PAGE - 1] == b"\0"
    assert inst.run(OP_MEMORY_INIT, 0, 0, 0, 5, 0) == (0, 0)
    assert inst.run(OP_DATA_DROP, 0) == (0, 0)
    assert inst.datas[0].len == 0
    assert inst.run(OP_MEMORY_INIT, 0, 0, 0, 0, 0) == (0, 0)   # only the empty init at 0 survives a drop
    assert inst.run(OP_MEMORY_INIT, 0, 0, 0, 1, 0)[0] == lib.WASMC_TRAP_MEMORY_OOB
    assert inst.run(OP_MEMORY_INIT, 0, 0, 0, 0, 1)[0] == lib.WASMC_TRAP_MEMORY_OOB


# ---- Bulk table operators ----

def test_table_grow_through_vmctx(inst):
    assert inst.run(OP_TABLE_GROW, 0, 0x99, 3) == (0, 4)
    assert inst.table(0) == [0, 0, 0, 0, 0x99, 0x99, 0x99]
    assert inst.run(OP_TABLE_GROW, 0, 0, 4) == (0, FAIL)   # max 10
    assert inst.run(OP_TABLE_GROW, 1, 0, 1) == (0, FAIL)   # max 2


def test_table_fill(inst):
    assert inst.run(OP_TABLE_FILL, 0, 1, 0x55, 2) == (0, 0)
    assert inst.table(0) == [0, 0x55, 0x55, 0]
    assert inst.run(OP_TABLE_FILL, 0, 4, 0x55, 0) == (0, 0)
    assert inst.run(OP_TABLE_FILL, 0, 3, 0x66, 2)[0] == lib.WASMC_TRAP_TABLE_OOB
    assert inst.run(OP_TABLE_FILL, 0, 5, 0x66, 0)[0] == lib.WASMC_TRAP_TABLE_OOB
    assert inst.table(0) == [0, 0x55, 0x55, 0]


def test_table_copy(inst):
    assert inst.run(OP_TABLE_INIT, 0, 0, 0, 0, 3) == (0, 0)
    assert inst.table(0) == [11, 22, 33, 0]
    assert inst.run(OP_TABLE_COPY, 0, 0, 1, 0, 3) == (0, 0)   # overlapping, like memmove
    assert inst.table(0) == [11, 11, 22, 33]
    assert inst.run(OP_TABLE_COPY, 1, 0, 0, 2, 2) == (0, 0)
    assert inst.table(1) == [22, 33]
    assert inst.run(OP_TABLE_COPY, 1, 0, 1, 0, 2)[0] == lib.WASMC_TRAP_TABLE_OOB
    assert inst.run(OP_TABLE_COPY, 0, 1, 0, 1, 2)[0] == lib.WASMC_TRAP_TABLE_OOB
    assert inst.run(OP_TABLE_COPY, 0, 1, 4, 2, 0) == (0, 0)
    assert inst.table(0) == [11, 11, 22, 33] and inst.table(1) == [22, 33]


def test_table_init_and_elem_drop(inst):
    assert inst.run(OP_TABLE_INIT, 0, 0, 2, 1, 2) == (0, 0)
    assert inst.table(0) == [0, 0, 22, 33]
    assert inst.run(OP_TABLE_INIT, 0, 0, 0, 2, 2)[0] == lib.WASMC_TRAP_TABLE_OOB
    assert inst.run(OP_TABLE_INIT, 0, 0, 3, 0, 2)[0] == lib.WASMC_TRAP_TABLE_OOB
    assert inst.table(0) == [0, 0, 22, 33]
    assert inst.run(OP_ELEM_DROP, 0) == (0, 0)
    assert inst.elems[0].len == 0
    assert inst.run(OP_TABLE_INIT, 0, 0, 0, 0, 0) == (0, 0)
    assert inst.run(OP_TABLE_INIT, 0, 0, 0, 0, 1)[0] == lib.WASMC_TRAP_TABLE_OOB


# ---- Faults that are not ours go to the previous handler (each in its own process) ----

PRELUDE = """
import faulthandler, os, sys
sys.path[:0] = [{tests!r}]
from test_runtime import Instance, host_func, PAGE, TOUCH_LOAD, TOUCH_ABSOLUTE, ffi, lib
"""


def run_python(body: str, faulthandler: bool = False) -> subprocess.CompletedProcess:
    code = PRELUDE.format(tests=str(Path(__file__).parent)) + textwrap.dedent(body)
    args = [sys.executable, *(["-X", "faulthandler"] if faulthandler else []), "-c", code]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    return subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)


def assert_died_of_segv(result, faulthandler):
    assert result.returncode == -signal.SIGSEGV, result.stderr
    assert "reached" not in result.stdout
    assert ("Fatal Python error: Segmentation fault" in result.stderr) == faulthandler


@pytest.mark.parametrize("faulthandler", [False, True], ids=["default", "faulthandler"])
@pytest.mark.parametrize("where", ["main-thread", "wasm-thread", "reservation-outside-invoke",
                                   "reservation-inside-host-call", "kill"])
def test_foreign_fault_chains_to_previous_handler(faulthandler, where):
    body = {
        "main-thread": "ffi.cast('uint8_t *', 8)[0]",
        "wasm-thread": "Instance().invoke('touch', 8, TOUCH_ABSOLUTE)",
        "reservation-outside-invoke": "inst = Instance(); inst.memories[0].base[PAGE]",
        "reservation-inside-host-call": """
            inst = Instance()
            f, keep = host_func(lambda handle, slots: inst.memories[0].base[PAGE])
            inst.invoke('host', 0, callee=f)
        """,
        "kill": "import signal; os.kill(os.getpid(), signal.SIGSEGV)",
    }[where]
    result = run_python(textwrap.dedent(body) + "\nprint('reached')\n", faulthandler)
    assert_died_of_segv(result, faulthandler)


def test_wasm_traps_still_work_under_faulthandler():
    result = run_python("""
        inst = Instance()
        print(inst.invoke('touch', PAGE, TOUCH_LOAD)[0], inst.invoke('recurse', 0)[0])
    """, faulthandler=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(lib.WASMC_TRAP_MEMORY_OOB), str(lib.WASMC_TRAP_STACK_EXHAUSTED)]
    assert result.stderr == ""


def test_extern_python_host_call():
    # In its own process: def_extern replaces the one process-wide definition of wasmc_py_host_call.
    result = run_python("""
        @ffi.def_extern(onerror=lambda *exc: None, error=1)
        def wasmc_py_host_call(handle, slots):
            return ffi.from_handle(handle)(slots)

        def double(slots):
            slots[0] *= 2
            return 0

        def fail(slots):
            raise ValueError('host failed')

        inst = Instance()
        for fn, arg in ((double, 21), (fail, 0)):
            handle = ffi.new_handle(fn)
            f = ffi.new('wasmc_host_func *', {'call': lib.wasmc_py_host_call, 'handle': handle})
            trap, slots = inst.invoke('host', arg, callee=f)
            print(slots[0], trap)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["43 0", f"0 {lib.WASMC_TRAP_HOST}"]


# ---- Instantiation from an image (instance.c) ----

def image_of(wat: str) -> bytes:
    wasmtime = pytest.importorskip("wasmtime")
    from wasmc.image import encode_image
    from wasmc.wasm.decode import decode_module
    return encode_image(decode_module(wasmtime.wat2wasm(wat)))


# No functions: an image alone is enough to instantiate, without compiled code.
DATA_MODULE = """(module (memory (export "mem") 1) (global (export "g") i64 (i64.const -5))
                  (data (i32.const 3) "abc") (data "passive"))"""


def instantiate(image: bytes, imports=ffi.NULL):
    keep = ffi.new("uint8_t[]", image)
    code = ffi.new("wasmc_compiled *", {"image": keep, "image_size": len(image)})
    out = ffi.new("wasmc_instance **")
    err = ffi.new("char[200]")
    result = lib.wasmc_instantiate(code, imports, ffi.NULL, out, err, 200)
    return result, out[0], ffi.string(err).decode(), (keep, code)


def test_instantiate_from_an_image():
    result, inst, _, keep = instantiate(image_of(DATA_MODULE))
    assert result == 0
    vm = lib.wasmc_instance_vmctx(inst)
    assert bytes(ffi.buffer(vm.mem0_base, 6)) == b"\0\0\0abc"
    assert vm.globals[0].bits[0] == (1 << 64) - 5
    assert vm.datas[0].len == 0 and vm.datas[1].len == len("passive")      # active ones are dropped
    export = lib.wasmc_instance_export(inst, b"g")
    assert export.kind == 3 and export.index == 0 and lib.wasmc_instance_export(inst, b"nope") == ffi.NULL
    assert lib.wasmc_instance_start(inst, 0) == lib.WASMC_TRAP_NONE
    lib.wasmc_instance_free(inst)


def test_every_truncated_image_is_refused():
    image = image_of(DATA_MODULE)
    for size in range(len(image)):
        result, inst, message, _ = instantiate(image[:size])
        assert (result, inst, message) == (lib.WASMC_SETUP_ERROR, ffi.NULL,
                                           "the instance image is corrupt or of another wasmc version")


def test_missing_imports_are_link_errors():
    image = image_of('(module (import "m" "mem" (memory 1)))')
    result, inst, message, _ = instantiate(image)
    assert (result, inst, message) == (lib.WASMC_LINK_ERROR, ffi.NULL, "unknown import: m::mem has not been defined")
    memory = lib.wasmc_memory_new(1, 1)
    imports = ffi.new("wasmc_import[1]", [{"memory": memory}])
    result, inst, _, _ = instantiate(image, imports)
    assert result == 0 and lib.wasmc_instance_vmctx(inst).memories[0] == memory
    lib.wasmc_instance_free(inst)         # never frees an import
    assert memory.size == PAGE
    lib.wasmc_memory_free(memory)


def test_segment_out_of_bounds_is_the_trap_kind():
    result, inst, _, _ = instantiate(image_of('(module (memory 1) (data (i32.const 65535) "ab"))'))
    assert result == lib.WASMC_TRAP_MEMORY_OOB and inst != ffi.NULL
    lib.wasmc_instance_free(inst)


# ---- The static library for AOT ----

def load_build_module():
    spec = importlib.util.spec_from_file_location("wasmc_runtime_build", ROOT / "runtime_c" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_static_library_builds_and_links(tmp_path):
    build = load_build_module()
    library = build.build_static_library(tmp_path / "lib")
    assert Path(library).name == "libwasmc_rt.a"
    members = subprocess.run(["ar", "t", library], capture_output=True, text=True, check=True).stdout.split()
    assert {"host.o", "memory.o", "table.o", "trap.o"} <= set(members)
    assert {"image.o", "instance.o"} <= set(members) and len(members) == len(build.RUNTIME_SOURCES)
    main = tmp_path / "main.c"
    main.write_text(textwrap.dedent("""
        #include <stdio.h>
        #include "wasmc_rt.h"
        static void entry(void *vmctx, void *callee, uint64_t *slots) {
            (void)callee;
            wasmc_vmctx *v = vmctx;
            slots[0] = v->mem0_base[slots[0]];   /* out of bounds: faults into a trap */
        }
        int main(void) {
            wasmc_runtime_init();
            wasmc_memory *mem = wasmc_memory_new(1, 2);
            wasmc_memory *mems[] = {mem};
            wasmc_vmctx v = {.mem0_base = mem->base, .memories = mems, .stack_limit = &wasmc_stack_limit};
            uint64_t slots[1] = {65536};
            int trap = wasmc_invoke(entry, &v, NULL, slots, 0);
            printf("%u %d %s\\n", wasmc_memory_grow_raw(mem, 1), trap, wasmc_trap_message(trap));
            wasmc_memory_free(mem);
            return 0;
        }
    """))
    exe = tmp_path / "main"
    subprocess.run(["cc", "-O2", "-I", str(ROOT / "runtime_c"), str(main), library, "-lpthread", "-o", str(exe)],
                   check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    assert out == "1 2 out of bounds memory access\n"
