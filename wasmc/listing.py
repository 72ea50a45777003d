"""Readable `wasmc compile --emit asm` and `--emit llvm-ir`: each wasm_func_N is followed (assembly) or
preceded (IR) by a comment naming the wasm function, from the name section, else an export. Comments
only, so the text still assembles (or goes through llc) as it is; symbols stay wasm_func_N."""
from __future__ import annotations

import platform
import re

from .wasm.module import Module
from .wasm.types import ExternKind

# The assembler's comment marker per architecture (LLVM's MCAsmInfo CommentString); an architecture not
# listed gets no comments rather than a guessed marker that might not assemble.
_COMMENT = {**dict.fromkeys(("x86_64", "i386", "i486", "i586", "i686", "riscv32", "riscv64", "powerpc",
                             "powerpc64", "powerpc64le", "ppc64le", "mips", "mipsel", "mips64", "mips64el",
                             "s390x", "loongarch64", "wasm32", "wasm64", "amd64"), "#"),
            **dict.fromkeys(("aarch64", "aarch64_be", "arm64"), "//"),
            **dict.fromkeys(("arm", "armv6", "armv7", "armv7a", "thumb", "thumbv7"), "@")}

_ASM_LABEL = re.compile(r"^(wasm_func_(\d+)(\.direct)?):", re.M)
_IR_DEFINE = re.compile(r"^(define [^@\n]*@wasm_func_(\d+)(\.direct)?\()", re.M)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


def function_names(m: Module) -> dict[int, str]:
    """Names worth showing by func_idx: the name section's, else the first export's."""
    names = {}
    for e in m.exports:
        if e.kind == ExternKind.FUNC:
            names.setdefault(e.index, e.name)
    names.update(m.func_names)
    # A comment ends at the line's end: control characters are shown, not written.
    return {idx: _UNPRINTABLE.sub(lambda c: f"\\x{ord(c.group()):02x}", name) for idx, name in names.items()}


def _describe(names: dict[int, str], func_idx: str, direct: str | None) -> str | None:
    name = names.get(int(func_idx))
    if name is None:
        return None
    return f"{name} (direct-call copy)" if direct else name


def annotate_asm(text: str, m: Module, triple: str | None = None) -> str:
    """Assembly for `triple` (default this host) with each wasm function's name after its label."""
    arch = (triple.split("-")[0] if triple else platform.machine()).lower()
    marker = _COMMENT.get(arch)
    names = function_names(m)
    if marker is None or not names:
        return text

    def label(match: re.Match) -> str:
        name = _describe(names, match.group(2), match.group(3))
        # In the column LLVM's own comments use.
        return match.group(0) if name is None else f"{match.group(0):<39} {marker} {name}"
    return _ASM_LABEL.sub(label, text)


def annotate_ir(text: str, m: Module) -> str:
    """LLVM IR with a `; name` line before each wasm function's definition."""
    names = function_names(m)
    if not names:
        return text

    def define(match: re.Match) -> str:
        name = _describe(names, match.group(2), match.group(3))
        return match.group(0) if name is None else f"; {name}\n{match.group(0)}"
    return _IR_DEFINE.sub(define, text)
