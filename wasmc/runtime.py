"""runtime_c as Python sees it: the cffi extension wasmc._rt, with its fault handler installed before the
first use. Everything else in the package reaches runtime_c through `runtime()`."""
from __future__ import annotations

import functools


@functools.cache
def runtime():
    """(ffi, lib) of the cffi extension; the first call installs runtime_c's SIGSEGV/SIGBUS handler."""
    from ._rt import ffi, lib
    lib.wasmc_runtime_init()
    return ffi, lib
