"""Builds runtime_c: into the cffi extension wasmc._rt for the JIT and the Python host (`ffibuilder`, used
by setup.py), and into libwasmc_rt.a for AOT linking (`build_static_library`). What the C does is the
business of the .c files and wasmc_rt.h."""
from __future__ import annotations

import os
import subprocess

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME_SOURCES = ("trap.c", "memory.c", "table.c", "host.c",
                   "wasi/state.c", "wasi/errno.c", "wasi/fd.c", "wasi/path.c", "wasi/poll.c", "wasi/clock.c",
                   "wasi/proc.c", "wasi/sock.c", "wasi/sockopt.c", "wasi/addrinfo.c", "wasi/net.c")
SELFTEST_SOURCES = ("selftest.c",)   # stand-in entry trampolines for tests/runtime; JIT extension only
STATIC_SOURCES = ("instance.c",)     # AOT instantiation from the image; the JIT does it in wasmc/instance.py
CFLAGS = ("-O2",)


def _wasi_cdef() -> str:
    # The host-facing part of wasi/wasi.h (everything before its "Internal" section), minus preprocessor
    # lines: cffi parses plain declarations, and the WASI functions are then callable from tests.
    with open(os.path.join(HERE, "wasi", "wasi.h")) as f:
        api = f.read().split("/* ---- Internal")[0]
    return "\n".join(line for line in api.splitlines() if not line.lstrip().startswith("#"))


WASI_CDEF = _wasi_cdef()

# What Python sees of wasmc_rt.h. The layouts are exact so cffi checks them against the real header when
# the module is built; enum values and macros are left to the compiler (`...`) so tests/unit/test_abi.py
# compares wasmc/abi.py with the header itself. The functions generated code calls are declared too, so
# the JIT can take their addresses with ffi.addressof(lib, name); never call wasmc_trap/wasmc_exit or
# the bulk operators from Python, they long-jump.
CDEF = """
#define WASMC_ABI_VERSION ...
#define WASMC_MEMORY_RESERVATION ...
#define WASMC_PAGE_SIZE ...
#define WASMC_DEFAULT_STACK ...

enum wasmc_trap_kind {
    WASMC_TRAP_NONE, WASMC_TRAP_UNREACHABLE, WASMC_TRAP_MEMORY_OOB, WASMC_TRAP_INT_DIV_BY_ZERO,
    WASMC_TRAP_INT_OVERFLOW, WASMC_TRAP_INVALID_CONVERSION, WASMC_TRAP_INDIRECT_TYPE,
    WASMC_TRAP_TABLE_OOB, WASMC_TRAP_UNDEFINED_ELEMENT, WASMC_TRAP_UNINITIALIZED,
    WASMC_TRAP_STACK_EXHAUSTED, WASMC_TRAP_HOST, WASMC_TRAP_EXIT, WASMC_TRAP_COUNT, ...
};

typedef struct wasmc_memory { uint8_t *base; uint64_t size; uint64_t max_pages; } wasmc_memory;
typedef struct wasmc_funcref { void *fn; uint64_t type_id; void *vmctx; } wasmc_funcref;
typedef struct wasmc_table { void **elems; uint32_t size; uint32_t max; } wasmc_table;
typedef struct wasmc_segment { const void *ptr; uint64_t len; } wasmc_segment;
typedef struct wasmc_vmctx {
    uint8_t *mem0_base;
    wasmc_memory **memories;
    void **globals;
    wasmc_table **tables;
    wasmc_funcref *funcrefs;
    uint64_t *type_ids;
    wasmc_segment *datas;
    wasmc_segment *elems;
    uintptr_t *stack_limit;
    void *host;
} wasmc_vmctx;
typedef struct wasmc_host_func {
    int (*call)(void *handle, uint64_t *args_results);
    void *handle;
} wasmc_host_func;

extern uintptr_t wasmc_stack_limit;

void wasmc_trap(wasmc_vmctx *vmctx, uint32_t kind);
uint32_t wasmc_memory_grow(wasmc_vmctx *vmctx, uint32_t mem_idx, uint32_t delta_pages);
void wasmc_memory_copy(wasmc_vmctx *vmctx, uint32_t dst_mem, uint32_t src_mem,
                       uint32_t dst, uint32_t src, uint32_t n);
void wasmc_memory_fill(wasmc_vmctx *vmctx, uint32_t mem_idx, uint32_t dst, uint32_t value, uint32_t n);
void wasmc_memory_init(wasmc_vmctx *vmctx, uint32_t mem_idx, uint32_t data_idx,
                       uint32_t dst, uint32_t src, uint32_t n);
void wasmc_data_drop(wasmc_vmctx *vmctx, uint32_t data_idx);
uint32_t wasmc_table_grow(wasmc_vmctx *vmctx, uint32_t table_idx, void *init, uint32_t delta);
void wasmc_table_fill(wasmc_vmctx *vmctx, uint32_t table_idx, uint32_t dst, void *value, uint32_t n);
void wasmc_table_copy(wasmc_vmctx *vmctx, uint32_t dst_table, uint32_t src_table,
                      uint32_t dst, uint32_t src, uint32_t n);
void wasmc_table_init(wasmc_vmctx *vmctx, uint32_t table_idx, uint32_t elem_idx,
                      uint32_t dst, uint32_t src, uint32_t n);
void wasmc_elem_drop(wasmc_vmctx *vmctx, uint32_t elem_idx);
void wasmc_host_call(wasmc_host_func *f, uint64_t *args_results);

typedef void (*wasmc_entry_fn)(void *vmctx, void *callee, uint64_t *args_results);
int wasmc_invoke(wasmc_entry_fn entry, void *vmctx, void *callee, uint64_t *args_results,
                 size_t stack_size);
const char *wasmc_trap_message(int kind);
uintptr_t wasmc_trap_pc(void);
int64_t wasmc_trap_element(void);
void wasmc_trap_null_element(wasmc_vmctx *vmctx, uint32_t index);
int wasmc_exit_code(void);
void wasmc_exit(int code);
void wasmc_runtime_init(void);
wasmc_memory *wasmc_memory_new(uint32_t min_pages, uint32_t max_pages);
void wasmc_memory_free(wasmc_memory *mem);
uint32_t wasmc_memory_grow_raw(wasmc_memory *mem, uint32_t delta_pages);
wasmc_table *wasmc_table_new(uint32_t size, uint32_t max);
void wasmc_table_free(wasmc_table *table);
uint32_t wasmc_table_grow_raw(wasmc_table *table, void *init, uint32_t delta);

/* Python host functions: @ffi.def_extern() defines it; lib.wasmc_py_host_call is then a valid
   wasmc_host_func.call, with a handle (ffi.new_handle) saying which Python callable to run. */
extern "Python" int wasmc_py_host_call(void *handle, uint64_t *args_results);

void wasmc_selftest_entry_touch(void *vmctx, void *callee, uint64_t *slots);
void wasmc_selftest_entry_recurse(void *vmctx, void *callee, uint64_t *slots);
void wasmc_selftest_entry_trap(void *vmctx, void *callee, uint64_t *slots);
void wasmc_selftest_entry_exit(void *vmctx, void *callee, uint64_t *slots);
void wasmc_selftest_entry_host(void *vmctx, void *callee, uint64_t *slots);
void wasmc_selftest_entry_runtime(void *vmctx, void *callee, uint64_t *slots);
""" + WASI_CDEF

PRELUDE = """
#include "wasmc_rt.h"
#include "wasi/wasi.h"
void wasmc_selftest_entry_touch(void *vmctx, void *callee, uint64_t *slots);
void wasmc_selftest_entry_recurse(void *vmctx, void *callee, uint64_t *slots);
void wasmc_selftest_entry_trap(void *vmctx, void *callee, uint64_t *slots);
void wasmc_selftest_entry_exit(void *vmctx, void *callee, uint64_t *slots);
void wasmc_selftest_entry_host(void *vmctx, void *callee, uint64_t *slots);
void wasmc_selftest_entry_runtime(void *vmctx, void *callee, uint64_t *slots);
"""


def _rel(name: str) -> str:
    # setuptools wants source paths relative to the project root, where setup.py runs.
    return os.path.relpath(os.path.join(HERE, name))


ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "wasmc._rt",
    PRELUDE,
    sources=[_rel(name) for name in RUNTIME_SOURCES + SELFTEST_SOURCES],
    include_dirs=[_rel(".")],
    extra_compile_args=list(CFLAGS),
    libraries=["pthread"],
)


def build_static_library(out_dir: str | os.PathLike[str], cc: str | None = None) -> str:
    """Compile the runtime sources into out_dir/libwasmc_rt.a for AOT linking and return its path.

    Uses $CC (default `cc`) and `ar` directly, so no make or setuptools is needed at link time.
    """
    cc = cc or os.environ.get("CC", "cc")
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    objects = []
    for name in RUNTIME_SOURCES + STATIC_SOURCES:
        obj = os.path.join(out_dir, os.path.splitext(name)[0].replace("/", "_") + ".o")
        _run([cc, *CFLAGS, "-fPIC", "-std=c11", "-I", HERE, "-c", os.path.join(HERE, name), "-o", obj])
        objects.append(obj)
    library = os.path.join(out_dir, "libwasmc_rt.a")
    if os.path.exists(library):
        os.remove(library)   # `ar rcs` adds to an existing archive; start clean
    _run(["ar", "rcs", library, *objects])
    return library


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{result.stderr}")


if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
