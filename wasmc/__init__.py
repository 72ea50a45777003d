"""wasmc: an ahead-of-time WebAssembly to native compiler on LLVM, and its Python API:

    m = wasmc.Module.from_file("add.wasm")
    inst = wasmc.Instance(m, {})
    inst.exports["add"](1, 2)          # -> 3

Module and Instance are in instance.py, the externs (Func, Global, Memory, Table) in externs.py, values
(FuncRef, raw bit patterns) in values.py, WASI (Wasi, WasiConfig) in wasi.py.
"""
from .errors import (DecodeError, InstantiationError, LinkError, ProcExit, Trap, UnsupportedError,
                     ValidationError, WasmcError)
from .externs import Func, Global, Memory, Table
from .instance import Instance, Module
from .values import FuncRef

__version__ = "0.1.0"
__all__ = ["Module", "Instance", "Func", "FuncRef", "Global", "Memory", "Table", "DecodeError",
           "ValidationError", "UnsupportedError", "LinkError", "InstantiationError", "Trap", "ProcExit",
           "WasmcError"]
