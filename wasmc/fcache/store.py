"""The function cache on disk: compiled functions by key, shared by every module that contains them.

Functions are compiled several to an object (a pack: each object costs LLVM a fixed setup, which
one object per function paid 1,600 times for a Go binary). Under cache_root()/functions/:
- `<name[:2]>/<name>.pack`, named by its digest: the objects (the functions' object, and the general
  bodies of resumable ones) and a header listing each member: its key, whether it defines a
  direct-call copy, and what each of its placeholder symbols stands for;
- `<key[:2]>/<key>`: one small file per function, naming the pack it is in.
Each file starts with a magic and the SHA-256 of the rest. Files are written aside and renamed into
place, packs before the entries that name them, so several processes filling the cache at once only
ever replace a file by a complete one; a reader checks the digest, so a truncated or corrupted entry or
pack is a miss, compiled again and overwritten, never linked. Eviction (cache.evict) removes files on
their own: an entry whose pack is gone is a miss too.
"""
from __future__ import annotations

import hashlib
import marshal
import os
from dataclasses import dataclass, field

from .. import cache

ENTRY_MAGIC = b"WFC3"
PACK_MAGIC = b"WFP1"
PACK_SUFFIX = ".pack"
_DIGEST = 32


def functions_dir() -> str:
    return str(cache.functions_dir())


@dataclass(slots=True)
class Member:
    """A function in a pack: its key, whether it defines a direct-call copy, and its placeholder
    bindings as (symbol suffix after `fn_<key>`, path, how) (lower/placeholders.Binding)."""
    key: str
    has_direct: bool
    bindings: list


@dataclass(slots=True)
class Pack:
    """A pack's name (its file name), objects and members."""
    name: str
    objects: list[bytes]
    members: list[Member]


@dataclass(slots=True)
class Entry:
    """A compiled function: the pack its object is in and its member record."""
    pack: Pack
    member: Member

    @property
    def has_direct(self) -> bool:
        return self.member.has_direct

    @property
    def bindings(self) -> list:
        return self.member.bindings


def _path(root: str, name: str) -> str:
    return os.path.join(root, name[:2], name)


def _read(path: str, magic: bytes) -> memoryview | None:
    """The payload of an intact file (its use also refreshes it for eviction), else None."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        os.utime(path)
    except OSError:
        return None
    body = memoryview(data)[len(magic) + _DIGEST:]
    if data[:len(magic)] != magic or hashlib.sha256(body).digest() != data[len(magic):len(magic) + _DIGEST]:
        return None
    return body


def _write(path: str, magic: bytes, payload: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(magic + hashlib.sha256(payload).digest() + payload)
    os.replace(tmp, path)


def read_pack(name: str, root: str | None = None) -> Pack | None:
    body = _read(_path(root or functions_dir(), name), PACK_MAGIC)
    if body is None:
        return None
    try:
        header_len = int.from_bytes(body[:4], "little")
        members, sizes = marshal.loads(body[4:4 + header_len])
        at = 4 + header_len
        objects = []
        for size in sizes:
            objects.append(bytes(body[at:at + size]))
            at += size
        if at != len(body):
            return None
        return Pack(name, objects, [Member(key, has_direct, bindings) for key, has_direct, bindings in members])
    except (ValueError, EOFError, TypeError):
        return None


@dataclass(slots=True)
class Reading:
    """What one compile has read of the cache: packs by name, and the members of those packs by key. A
    function found in a pack read for another (its neighbours in the module it was compiled for) is
    linked from there without reading its entry: any intact pack listing a key has that key's code."""
    packs: dict[str, Pack | None] = field(default_factory=dict)
    members: dict[str, Entry] = field(default_factory=dict)


def lookup(key: str, root: str | None = None, reading: Reading | None = None) -> Entry | None:
    """The entry, if it and its pack are in the cache and intact. `reading` remembers what this compile
    read so far, so it reads each pack once and most entries not at all."""
    if reading is None:
        reading = Reading()
    known = reading.members.get(key)
    if known is not None:
        return known
    root = root or functions_dir()
    body = _read(_path(root, key), ENTRY_MAGIC)
    if body is None:
        return None
    name = bytes(body).decode("ascii", "replace")
    if name not in reading.packs:
        pack = reading.packs[name] = read_pack(name, root)
        for mb in pack.members if pack is not None else ():
            reading.members.setdefault(mb.key, Entry(pack, mb))
    return reading.members.get(key) if reading.packs[name] is not None else None


def store_pack(members: list[Member], objects: list[bytes], root: str | None = None) -> dict[str, Entry]:
    """Write a pack (objects: the functions' object, then the general bodies' if any) and an entry for
    each member; returns the entries by key."""
    root = root or functions_dir()
    header = marshal.dumps(([(mb.key, mb.has_direct, mb.bindings) for mb in members], [len(o) for o in objects]))
    payload = len(header).to_bytes(4, "little") + header + b"".join(objects)
    name = hashlib.sha256(payload).hexdigest()[:32] + PACK_SUFFIX
    _write(_path(root, name), PACK_MAGIC, payload)
    pack = Pack(name, objects, members)
    for mb in members:
        _write(_path(root, mb.key), ENTRY_MAGIC, name.encode("ascii"))
    return {mb.key: Entry(pack, mb) for mb in members}
