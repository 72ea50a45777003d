"""Load compiled code into this process: the module's shared object is dlopen'ed, its wasmc_* runtime
references resolving against the cffi extension, whose symbols are made global for that. What the shared
object defines (wasmc_rt.h, "Defined by generated code") is handed to runtime_c as a wasmc_compiled."""
from __future__ import annotations

import ctypes
import functools
import os
from pathlib import Path

from .runtime import runtime


@functools.cache
def _export_runtime_symbols() -> None:
    # Python loads extension modules RTLD_LOCAL; reopening with RTLD_GLOBAL | RTLD_NOLOAD makes the
    # runtime's symbols visible to the shared objects loaded after it, without loading a second copy.
    from . import _rt
    ctypes.CDLL(_rt.__file__, mode=os.RTLD_GLOBAL | os.RTLD_NOLOAD)


class LoadedCode:
    """A module's shared object mapped in-process: `compiled` (the wasmc_compiled runtime_c instantiates
    from), and the function, direct-call copy and entry trampoline addresses Python uses."""

    def __init__(self, path: Path, num_funcs: int, num_types: int):
        _export_runtime_symbols()
        ffi, _ = runtime()
        self.path = path
        self._lib = ctypes.CDLL(str(path), mode=os.RTLD_LOCAL | os.RTLD_NOW)
        self.funcs = self._array("wasmc_funcs", num_funcs)
        self.direct_copies = self._array("wasmc_direct_copies", num_funcs)   # 0: none
        self.entries = self._array("wasmc_entries", num_types)
        compiled = self.compiled = ffi.new("wasmc_compiled*")
        compiled.image = ffi.cast("uint8_t*", self._address("wasmc_image"))
        compiled.image_size = ctypes.c_uint64.in_dll(self._lib, "wasmc_image_size").value
        compiled.funcs = ffi.cast("void**", self._address("wasmc_funcs"))
        compiled.entries = ffi.cast("wasmc_entry_fn*", self._address("wasmc_entries"))
        compiled.host_adapters = ffi.cast("void**", self._address("wasmc_host_adapters"))
        compiled.import_funcs = ffi.NULL     # imports are linked by the host (wasmc/instance.py)

    def _address(self, symbol: str) -> int:
        return ctypes.addressof(ctypes.c_uint8.in_dll(self._lib, symbol))

    def _array(self, symbol: str, n: int) -> list[int]:
        if n == 0:
            return []
        return list((ctypes.c_uint64 * n).in_dll(self._lib, symbol))
