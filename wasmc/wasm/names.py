"""The `name` custom section: function names for messages, symbols and debug info.

Read tolerantly: the spec does not validate custom section contents, so a damaged name section yields
fewer names, never an error. Only the function-name subsection (id 1) is used.
"""
from __future__ import annotations

from ..errors import DecodeError
from .reader import Reader

_FUNC_NAMES = 1


def parse_name_section(data: bytes, start: int, end: int) -> dict[int, str]:
    """Function names by func_idx from the name section payload data[start:end] (after its own name).

    A malformed function-name subsection is dropped whole rather than half-used; other subsections
    (module name, local names, the extended-name proposal's ids) are skipped unread.
    """
    r = Reader(data, start, end)
    try:
        while not r.at_end():
            sub_id = r.byte()
            size = r.u32()
            sub_end = r.pos + size
            if sub_end > end:
                return {}
            if sub_id == _FUNC_NAMES:
                return _func_names(Reader(data, r.pos, sub_end))
            r.pos = sub_end
    except DecodeError:
        pass
    return {}


def _func_names(r: Reader) -> dict[int, str]:
    names: dict[int, str] = {}
    try:
        for _ in range(r.u32()):
            func_idx = r.u32()
            names[func_idx] = r.name()
    except DecodeError:
        return {}
    return names if r.at_end() else {}
