"""The instance image: everything runtime_c/instance.c needs to instantiate a module, as one binary blob
emitted into the LLVM module of executables and of the JIT's shared objects alike. The format is described
once, in runtime_c/image.h.

Compiled code holds function bodies; the image holds the rest (types, imports, tables, memories, globals,
exports, start, element and data segments) plus the WASI grants baked in by `wasmc compile`. Executables
also get the table of host functions (`--link`) that non-WASI function imports bind to, and the functions'
names for trap reports.
"""
from __future__ import annotations

from dataclasses import dataclass

from .abi import WASI_MODULE
from .grants import NetGrants
from .wasm.module import Module, Span
from .wasm.types import ExternKind, FuncType, GlobalType, Limits, MemoryType, TableType, ValType

MAGIC = b"WMCI"
VERSION = 3
MODE = {"active": 0, "passive": 1, "declarative": 2}
ITEMS_FUNCIDX, ITEMS_EXPRS = 0, 1


@dataclass(frozen=True, slots=True)
class WasiGrants:
    """What the executable may see: preopened directories, environment variables and the network.

    dirs: (host, guest) pairs; a relative host path is resolved when the program runs.
    env: "NAME=VALUE" (baked in) or "NAME" (the variable's value at run time, if set).
    net: listeners (opened, and host names resolved, when the program runs) and network patterns.
    """
    dirs: tuple[tuple[str, str], ...] = ()
    env: tuple[str, ...] = ()
    inherit_env: bool = False
    net: NetGrants = NetGrants()


def _uleb(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _str(s: str) -> bytes:
    raw = s.encode()
    return _uleb(len(raw)) + raw


def _limits(limits: Limits, is64: bool = False) -> bytes:
    flags = 0x04 if is64 else 0x00
    if limits.max is None:
        return bytes((flags,)) + _uleb(limits.min)
    return bytes((flags | 0x01,)) + _uleb(limits.min) + _uleb(limits.max)


def _import_desc(desc) -> bytes:
    if isinstance(desc, int):
        return _uleb(desc)
    if isinstance(desc, TableType):
        return bytes((int(desc.elem),)) + _limits(desc.limits, desc.is64)
    if isinstance(desc, MemoryType):
        return _limits(desc.limits, desc.is64)
    assert isinstance(desc, GlobalType)
    return bytes((int(desc.type), int(desc.mutable)))


def _vec(items, encode) -> list[bytes]:
    return [_uleb(len(items)), *map(encode, items)]


def encode_image(m: Module, grants: WasiGrants = WasiGrants()) -> bytes:
    """The image of `m` (decoded and validated), in the format of runtime_c/image.h. Constant expressions
    and element item vectors are the module's own bytes: runtime_c/instance.c evaluates them."""
    data = m.data

    def span(s: Span) -> bytes:
        return data[s[0]:s[1]]

    parts = [MAGIC, bytes((VERSION,))]
    # Grants first: the AOT main reads them to set up WASI before instantiating.
    parts += _vec(grants.dirs, lambda d: _str(d[0]) + _str(d[1]))
    parts += _vec(grants.env, _str)
    parts.append(bytes((int(grants.inherit_env),)))
    net = grants.net
    for strings in (net.tcplisten, net.allow_net, net.allow_connect, net.allow_bind):
        parts += _vec(strings, _str)
    parts += _vec(m.types, lambda ft: (_uleb(len(ft.params)) + bytes(map(int, ft.params))
                                       + _uleb(len(ft.results)) + bytes(map(int, ft.results))))
    parts += _vec(m.imports, lambda imp: (_str(imp.module) + _str(imp.name) + bytes((int(imp.kind),))
                                          + _import_desc(imp.desc)))
    parts += _vec(m.funcs, _uleb)
    parts += _vec(m.tables, lambda tt: bytes((int(tt.elem),)) + _limits(tt.limits, tt.is64))
    parts += _vec(m.memories, lambda mt: _limits(mt.limits, mt.is64))
    parts += _vec(m.globals, lambda g: bytes((int(g.type.type), int(g.type.mutable))) + span(g.init_span))
    parts += _vec(m.exports, lambda e: _str(e.name) + bytes((int(e.kind),)) + _uleb(e.index))
    parts.append(_uleb(0 if m.start is None else m.start + 1))

    parts.append(_uleb(len(m.elems)))
    for seg in m.elems:
        parts.append(bytes((MODE[seg.mode], int(seg.elem_type))) + _uleb(seg.table_idx))
        if seg.mode == "active":
            parts.append(span(seg.offset_span))
        parts.append(bytes((ITEMS_FUNCIDX if seg.items_are_funcidx else ITEMS_EXPRS,)))
        parts.append(span(seg.items_span))

    # Data dominates (a Go hello world: 27,000 segments, 700 KB): two appends per segment, no copies.
    parts.append(_uleb(len(m.datas)))
    for seg in m.datas:
        head = bytes((MODE[seg.mode],)) + _uleb(seg.mem_idx)
        if seg.mode == "active":
            head += span(seg.offset_span)
        parts.append(head + _uleb(len(seg.data)))
        parts.append(seg.data)
    return b"".join(parts)


# IR string escapes: printable ASCII except '"' and '\' stands for itself, everything else is \XX.
_ESCAPE = {b: f"\\{b:02X}" for b in range(256) if not (0x20 <= b < 0x7F) or b in (0x22, 0x5C)}


def image_ir(image: bytes) -> str:
    """LLVM IR defining @wasmc_image (the bytes) and @wasmc_image_size, for instance.c to read."""
    # str.translate over latin-1 maps each byte to itself or its escape in one C-level pass: 37 ms for a
    # Go hello world's 0.9 MB image, against 330 ms for per-byte f-strings.
    text = image.decode("latin-1").translate(_ESCAPE)
    return (f'@wasmc_image = constant [{len(image)} x i8] c"{text}", align 16\n'
            f"@wasmc_image_size = constant i64 {len(image)}\n")


def func_names(m: Module) -> bytes:
    """The defined functions' names (name section, else export, else "func N"), NUL-separated in
    defined order: @wasmc_func_names, so a trap report can name its function."""
    n_imported = m.num_imported_funcs
    return b"".join(m.func_name(n_imported + i).encode("utf-8", "replace") + b"\0" for i in range(len(m.code)))


def image_data(image: bytes, m: Module) -> dict[str, bytes]:
    """What image_ir and names_ir define, as data symbols for fcache/elfdata.py."""
    names = func_names(m)
    return {"wasmc_image": image, "wasmc_image_size": len(image).to_bytes(8, "little"),
            "wasmc_func_names": names, "wasmc_func_count": len(m.code).to_bytes(8, "little")}


def names_ir(m: Module) -> str:
    """@wasmc_func_names (func_names) and @wasmc_func_count, so a trap report can name its function."""
    blob = func_names(m)
    text = blob.decode("latin-1").translate(_ESCAPE)
    return (f'@wasmc_func_names = constant [{len(blob)} x i8] c"{text}"\n'
            f"@wasmc_func_count = constant i64 {len(m.code)}\n")


# --- host functions for non-WASI imports -------------------------------------------------------------------
def _mangle(part: str) -> str:
    return "".join(chr(b) if chr(b).isascii() and (chr(b).isalnum() or b == 0x5F) else f"_{b:02x}"
                   for b in part.encode())


def import_symbol(module: str, name: str) -> str:
    """The C symbol a `--link` source defines for import module::name: wasmc_import_<module>_<name>,
    bytes outside [A-Za-z0-9_] written `_xx` in hex ("env"::"log.v2" -> wasmc_import_env_log_2ev2)."""
    return f"wasmc_import_{_mangle(module)}_{_mangle(name)}"


_LLVM_TYPE = {ValType.I32: "i32", ValType.I64: "i64", ValType.F32: "float", ValType.F64: "double",
              ValType.FUNCREF: "ptr", ValType.EXTERNREF: "ptr", ValType.V128: "<4 x i32>"}


def _llvm_prototype(ft: FuncType, symbol: str) -> str:
    results = [_LLVM_TYPE[t] for t in ft.results]
    ret = "void" if not results else results[0] if len(results) == 1 else "{" + ", ".join(results) + "}"
    return f"declare {ret} @{symbol}({', '.join(['ptr', *(_LLVM_TYPE[t] for t in ft.params)])})"


def host_imports_ir(m: Module) -> str:
    """LLVM IR defining @wasmc_import_funcs: by imported func_idx, the host function a non-WASI import
    binds to (its import_symbol, left for the linker to find) or null for WASI, which runtime_c binds."""
    declared: dict[str, str] = {}
    entries = []
    for imp in m.imports:
        if imp.kind != ExternKind.FUNC:
            continue
        if imp.module == WASI_MODULE:
            entries.append("ptr null")
            continue
        symbol = import_symbol(imp.module, imp.name)
        # Only the address is taken, so one declaration per symbol is enough even if types disagree
        # (aot.check_imports refuses that for executables).
        declared.setdefault(symbol, _llvm_prototype(m.types[imp.desc], symbol))
        entries.append(f"ptr @{symbol}")
    return "".join(f"{d}\n" for d in declared.values()) + (
        f"@wasmc_import_funcs = constant [{len(entries)} x ptr] [{', '.join(entries)}]\n")
