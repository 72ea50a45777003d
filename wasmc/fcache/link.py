"""Linking cached functions into one module's code: the linker script that gives each placeholder symbol
this module's value, and the linker that can take it.

Every function's object (its pack's: fcache/store.py) defines `fn_<key>` (and `fn_<key>_direct`) and
leaves its placeholders undefined (lower/placeholders.py). The script names each defined function as
the module knows it (`wasm_func_N = fn_<key>;`, which the glue's arrays refer to) and binds every
placeholder: callees to those names, offsets and constants to absolute values. gold (binutils) and lld
accept the absolute 32-bit relocations this needs in shared objects; GNU ld does not, so it is not
used here.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..abi import FUNCREF_SIZE
from ..errors import WasmcError, run_tool
from ..wasm.module import Module
from .canonical import Form

_TYPE_ID_SIZE = 8


@dataclass(slots=True)
class Linked:
    """One defined function in a link: its index, the prefix its object uses, whether the object
    defines a direct-call copy, and its bindings (symbol suffix, path, how)."""
    func_idx: int
    prefix: str
    has_direct: bool
    bindings: list


def script(m: Module, forms: list[Form], functions: list[Linked], unused: list = ()) -> str:
    """The linker script binding `functions` (by defined index) in module `m`, and the placeholders of
    `unused` (store.Member: functions in the packs linked that `m` does not have, dead code here) to
    their own symbol or 0, as nothing calls them."""
    n_imported = m.num_imported_funcs
    lines = []
    for fn in functions:
        lines.append(f"HIDDEN(wasm_func_{fn.func_idx} = {fn.prefix});")
        direct = f"{fn.prefix}_direct" if fn.has_direct else fn.prefix
        # Direct calls of a function without its own copy take the general body, which handles 0.
        lines.append(f"HIDDEN(wasm_func_{fn.func_idx}.direct = {direct});")
    for fn in functions:
        form = forms[fn.func_idx - n_imported]
        for suffix, path, how in fn.bindings:
            owner = form
            for k in path[:-1]:                 # a copy's placeholder: its callee's form
                owner = forms[form.placeholders[k][1] - n_imported]
            kind, value = owner.placeholders[path[-1]]
            lines.append(f"HIDDEN({fn.prefix}{suffix} = {_value(how, value)});")
    for mb in unused:
        own = f"fn_{mb.key}"
        for suffix, _path, how in mb.bindings:
            lines.append(f"HIDDEN({own}{suffix} = {own if how in ('func', 'direct') else 'ABSOLUTE(0)'});")
    return "\n".join(lines) + "\n"


def _value(how: str, value: int) -> str:
    if how == "func":
        return f"wasm_func_{value}"
    if how == "direct":
        return f"wasm_func_{value}.direct"
    if how == "funcref":
        return f"ABSOLUTE({value * FUNCREF_SIZE})"
    if how == "type":
        return f"ABSOLUTE({value * _TYPE_ID_SIZE})"
    return f"ABSOLUTE({value})"


def gold() -> str | None:
    """A linker that takes the script: gold from binutils, else lld (from the ziglang package)."""
    for name in ("ld.gold", "ld.lld"):
        found = shutil.which(name)
        if found:
            return found
    return None


def archive(objects: list[bytes]) -> bytes:
    """The objects as one `ar` archive, for `--whole-archive` (no symbol index needed then): one file
    for the linker to read instead of thousands."""
    out = [b"!<arch>\n"]
    for i, data in enumerate(objects):
        name = f"{i}.o/".encode()
        out.append(name.ljust(16) + b"0".ljust(12) + b"0".ljust(6) + b"0".ljust(6) + b"644".ljust(8)
                   + str(len(data)).encode().ljust(10) + b"`\n")
        out.append(data)
        if len(data) % 2:
            out.append(b"\n")
    return b"".join(out)


def link_shared(linker_args: list[str], out: Path) -> None:
    linker = gold()
    if linker is None:
        raise WasmcError("linking cached functions needs ld.gold or ld.lld")
    run_tool([linker, "-shared", "-o", str(out), *linker_args], "ld.gold or ld.lld is needed to link cached functions",
             "linking failed")


def executable_flags() -> list[str]:
    """What the C compiler driver needs to link with the same linker."""
    linker = gold()
    if linker is None:
        raise WasmcError("linking cached functions needs ld.gold or ld.lld")
    return ["-fuse-ld=gold" if linker.endswith("gold") else "-fuse-ld=lld"]



