"""The function cache on disk: compiled functions by key, shared by every module that contains them.

One file per function, cache_root()/functions/<key[:2]>/<key>: a magic, the SHA-256 of the rest, then
a header (whether the object defines a direct-call copy, the objects' sizes, what each placeholder
symbol stands for) and the object code: the function's object, and a resumable function's general
body. A file is written aside and renamed into place, so several processes filling the cache at once
only ever replace an entry by the same bytes; a reader checks the digest, so a truncated or corrupted
entry is a miss, compiled again and overwritten, never linked.
"""
from __future__ import annotations

import hashlib
import marshal
import os
from dataclasses import dataclass

from ..cache import cache_root

MAGIC = b"WFC2"
_DIGEST = 32


def functions_dir() -> str:
    return os.path.join(cache_root(), "functions")


@dataclass(slots=True)
class Entry:
    """A compiled function: its objects' bytes, whether it defines a direct-call copy, and its
    placeholder bindings as (symbol suffix after `fn_<key>`, path, how) (lower/placeholders.Binding)."""
    objects: list[bytes]
    has_direct: bool
    bindings: list


def _path(root: str, key: str) -> str:
    return os.path.join(root, key[:2], key)


def lookup(key: str, root: str | None = None) -> Entry | None:
    """The entry, if it is in the cache and intact (its use also refreshes it for eviction)."""
    path = _path(root or functions_dir(), key)
    try:
        with open(path, "rb") as f:
            data = f.read()
        if data[:4] != MAGIC or hashlib.sha256(memoryview(data)[4 + _DIGEST:]).digest() != data[4:4 + _DIGEST]:
            return None
        at = 4 + _DIGEST
        header_len = int.from_bytes(data[at:at + 4], "little")
        has_direct, sizes, bindings = marshal.loads(data[at + 4:at + 4 + header_len])
        at += 4 + header_len
        objects = []
        for size in sizes:
            objects.append(data[at:at + size])
            at += size
        if at != len(data):
            return None
        os.utime(path)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return Entry(objects, has_direct, bindings)


def store(key: str, objects: list[bytes], has_direct: bool, bindings: list, root: str | None = None) -> Entry:
    """Write an entry (objects: the main object, then the general body's if any)."""
    path = _path(root or functions_dir(), key)
    header = marshal.dumps((has_direct, [len(o) for o in objects], bindings))
    payload = len(header).to_bytes(4, "little") + header + b"".join(objects)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(MAGIC + hashlib.sha256(payload).digest() + payload)
    os.replace(tmp, path)
    return Entry(objects, has_direct, bindings)
