"""Load compiled object code into this process and read the addresses the host needs.

Each module gets its own MCJIT engine, so symbol names never clash between modules. Runtime calls
(wasmc_*) are bound to the addresses of the functions in the cffi extension.
"""
from __future__ import annotations

import ctypes
import functools

import llvmlite.binding as llvm

from .abi import RUNTIME_CALLS
from .codegen import target_machine


@functools.cache
def _bind_runtime() -> None:
    from ._rt import ffi, lib
    for name in RUNTIME_CALLS:
        llvm.add_symbol(name, int(ffi.cast("uintptr_t", ffi.addressof(lib, name))))


class LoadedCode:
    """Object code mapped in-process, with its function, entry and adapter addresses."""

    def __init__(self, obj: bytes, num_funcs: int, num_types: int):
        _bind_runtime()
        tm = target_machine(0)
        self._engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), tm)
        self._engine.add_object_file(llvm.ObjectFileRef.from_data(obj))
        self._engine.finalize_object()
        self.funcs = self._array("wasmc_funcs", num_funcs)
        self.entries = self._array("wasmc_entries", num_types)
        self.host_adapters = self._array("wasmc_host_adapters", num_types)

    def _array(self, symbol: str, n: int) -> list[int]:
        if n == 0:
            return []
        addr = self._engine.get_global_value_address(symbol)
        if not addr:
            raise RuntimeError(f"compiled code lacks {symbol}")
        return list((ctypes.c_uint64 * n).from_address(addr))
