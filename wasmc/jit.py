"""Load compiled code into this process: the module's shared object is dlopen'ed, its wasmc_* runtime
references resolving against the cffi extension, whose symbols are made global for that."""
from __future__ import annotations

import ctypes
import functools
import os
from pathlib import Path


@functools.cache
def _export_runtime_symbols() -> None:
    # Python loads extension modules RTLD_LOCAL; reopening with RTLD_GLOBAL | RTLD_NOLOAD makes the
    # runtime's symbols visible to the shared objects loaded after it, without loading a second copy.
    from . import _rt
    ctypes.CDLL(_rt.__file__, mode=os.RTLD_GLOBAL | os.RTLD_NOLOAD)


class LoadedCode:
    """A module's shared object mapped in-process, with its function, entry and adapter addresses."""

    def __init__(self, path: Path, num_funcs: int, num_types: int):
        _export_runtime_symbols()
        self.path = path
        self._lib = ctypes.CDLL(str(path), mode=os.RTLD_LOCAL | os.RTLD_NOW)
        self.funcs = self._array("wasmc_funcs", num_funcs)
        self.entry_variants = self._array("wasmc_entry_variants", num_funcs)   # 0: none
        self.entries = self._array("wasmc_entries", num_types)
        self.host_adapters = self._array("wasmc_host_adapters", num_types)

    def _array(self, symbol: str, n: int) -> list[int]:
        if n == 0:
            return []
        return list((ctypes.c_uint64 * n).in_dll(self._lib, symbol))
