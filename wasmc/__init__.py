"""wasmc: an ahead-of-time WebAssembly to native compiler on LLVM."""
from .api import Func, FuncRef, Global, Memory, Table
from .errors import (DecodeError, InstantiationError, LinkError, ProcExit, Trap, UnsupportedError,
                     ValidationError, WasmcError)
from .instance import Instance, Module

__version__ = "0.1.0"
__all__ = ["Module", "Instance", "Func", "FuncRef", "Global", "Memory", "Table", "DecodeError",
           "ValidationError", "UnsupportedError", "LinkError", "InstantiationError", "Trap", "ProcExit",
           "WasmcError"]
