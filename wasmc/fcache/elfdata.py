"""A relocatable ELF object holding only read-only data under global symbols: the instance image and the
function names of a module, written directly instead of through LLVM (an image of megabytes is costly to
spell as IR text and parse again).

The layout is the ELF64 specification's: header, the data section, symbol and string tables, section
headers. Little-endian; x86-64 or AArch64 by `machine`.
"""
from __future__ import annotations

import struct

EM_X86_64, EM_AARCH64 = 62, 183
_SHT_PROGBITS, _SHT_SYMTAB, _SHT_STRTAB = 1, 2, 3
_SHF_ALLOC = 2
_STB_GLOBAL, _STT_OBJECT = 1, 1
_ALIGN = 16


def data_object(symbols: dict[str, bytes], machine: int = EM_X86_64) -> bytes:
    """An object file defining each name as a read-only object holding its bytes (16-byte aligned)."""
    rodata = bytearray()
    strtab = bytearray(b"\0")
    syms = [bytes(24)]                        # symbol 0 is the null symbol
    for name, data in symbols.items():
        rodata += bytes(-len(rodata) % _ALIGN)
        name_at = len(strtab)
        strtab += name.encode() + b"\0"
        syms.append(struct.pack("<IBBHQQ", name_at, (_STB_GLOBAL << 4) | _STT_OBJECT, 0, 1, len(rodata),
                                len(data)))
        rodata += data
    shstrtab = b"\0.rodata\0.symtab\0.strtab\0.shstrtab\0.note.GNU-stack\0"
    names = {n: shstrtab.index(n.encode() + b"\0") for n in
             (".rodata", ".symtab", ".strtab", ".shstrtab", ".note.GNU-stack")}
    out = bytearray(64)
    sections = []                             # (name, type, flags, offset, size, link, info, align, entsize)

    def place(data: bytes, align: int) -> int:
        out.extend(bytes(-len(out) % align))
        at = len(out)
        out.extend(data)
        return at

    symtab = b"".join(syms)
    sections.append((names[".rodata"], _SHT_PROGBITS, _SHF_ALLOC, place(bytes(rodata), _ALIGN), len(rodata),
                     0, 0, _ALIGN, 0))
    sections.append((names[".symtab"], _SHT_SYMTAB, 0, place(symtab, 8), len(symtab), 3, 1, 8, 24))
    sections.append((names[".strtab"], _SHT_STRTAB, 0, place(bytes(strtab), 1), len(strtab), 0, 0, 1, 0))
    sections.append((names[".shstrtab"], _SHT_STRTAB, 0, place(shstrtab, 1), len(shstrtab), 0, 0, 1, 0))
    # An empty .note.GNU-stack: the object does not need an executable stack.
    sections.append((names[".note.GNU-stack"], _SHT_PROGBITS, 0, len(out), 0, 0, 0, 1, 0))
    out.extend(bytes(-len(out) % 8))
    shoff = len(out)
    out += bytes(64)                          # section 0
    for name, kind, flags, offset, size, link, info, align, entsize in sections:
        out += struct.pack("<IIQQQQIIQQ", name, kind, flags, 0, offset, size, link, info, align, entsize)
    header = (b"\x7fELF" + bytes((2, 1, 1, 0)) + bytes(8)
              + struct.pack("<HHIQQQIHHHHHH", 1, machine, 1, 0, 0, shoff, 0, 64, 0, 0, 64, len(sections) + 1, 4))
    out[:64] = header
    return bytes(out)
