"""The function cache on disk: compiled functions by key, shared by every module that contains them.

Under cache_root()/functions/<key[:2]>/: `<key>.o` (and `<key>.r.o`, a resumable function's general
body) and `<key>.m`, the manifest: the objects' SHA-256 and what each
placeholder symbol stands for. Objects are written first and the manifest last, each by an atomic
rename, so an entry exists once its manifest does; several processes filling the cache at once write
the same bytes. A reader checks the digests: a truncated or corrupted entry is a miss, compiled again
and overwritten, never linked.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..cache import cache_root

FORMAT = 1


def functions_dir() -> Path:
    return cache_root() / "functions"


@dataclass(slots=True)
class Entry:
    """A compiled function: its object files, whether it defines a direct-call copy, and its
    placeholder bindings as (symbol suffix after `fn_<key>`, path, how) (lower/placeholders.Binding)."""
    objects: list[Path]
    has_direct: bool
    bindings: list


def _base(key: str) -> Path:
    return functions_dir() / key[:2] / key


def lookup(key: str) -> Entry | None:
    """The entry, if it is in the cache and intact (its use also refreshes it for eviction)."""
    base = _base(key)
    try:
        manifest = json.loads(base.with_name(base.name + ".m").read_bytes())
        if manifest.get("format") != FORMAT:
            return None
        objects = []
        for suffix, digest in manifest["objects"]:
            path = base.with_name(base.name + suffix)
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                return None
            objects.append(path)
        os.utime(base.with_name(base.name + ".m"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Entry(objects, manifest["direct"], [(s, tuple(p), h) for s, p, h in manifest["bindings"]])


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def store(key: str, objects: list[bytes], has_direct: bool, bindings: list) -> Entry:
    """Write an entry (objects: the main object, then the general body's if any)."""
    base = _base(key)
    base.parent.mkdir(parents=True, exist_ok=True)
    suffixes = [".o", ".r.o"][:len(objects)]
    paths = []
    for suffix, data in zip(suffixes, objects):
        path = base.with_name(base.name + suffix)
        _write_atomic(path, data)
        paths.append(path)
    manifest = {"format": FORMAT, "direct": has_direct, "bindings": [list(b) for b in bindings],
                "objects": [[s, hashlib.sha256(d).hexdigest()] for s, d in zip(suffixes, objects)]}
    _write_atomic(base.with_name(base.name + ".m"), json.dumps(manifest, separators=(",", ":")).encode())
    return Entry(paths, has_direct, bindings)
