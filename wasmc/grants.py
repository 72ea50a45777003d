"""What a guest is granted, spelled as wasmtime spells it: `--dir HOST[::GUEST]`, `--env NAME[=VALUE]` and
inheriting the whole environment. Parsed here for `wasmc run`, `wasmc compile` and GOWASIRUNTIMEARGS;
launch.py passes run-time grants to executables in WASMC_* variables, which runtime_c/main.c reads."""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from .errors import WasmcError


class GrantError(WasmcError):
    """A --dir or --env that cannot be granted; the message names the option and the value."""


def parse_dir(spec: str) -> tuple[str, str]:
    """`HOST[::GUEST]` -> (host, guest); the guest path defaults to the host path, as in wasmtime."""
    host, sep, guest = spec.partition("::")
    if not host or (sep and not guest):
        raise GrantError(f"--dir {spec!r}: expected HOST or HOST::GUEST")
    return host, guest or host


def parse_env(spec: str) -> str:
    """`NAME=VALUE` (that value) or `NAME` (the variable's value where the guest runs, if it is set)."""
    name = spec.partition("=")[0]
    if not name:
        raise GrantError(f"--env {spec!r}: expected NAME=VALUE or NAME")
    return spec


def check_directory(host: str, guest: str) -> None:
    """Refuse a preopen that cannot be opened now, before anything is compiled, with the runtime's words."""
    if ":" in host and not os.path.lexists(host):
        # `--dir /a:/b`: the Docker/old-wasmtime habit; wasmtime maps with `::`.
        raise GrantError(f"--dir {host}: no such directory; to map host directory A to guest path B, "
                         f"write --dir A::B")
    try:
        fd = os.open(host, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as e:
        raise GrantError(f"cannot open preopened directory {host}: {e.strerror}") from None
    os.close(fd)


def check_transportable(host: str, guest: str) -> None:
    """WASMC_DIR separates entries with ':' (runtime_c/main.c), so an executable cannot be given such a path."""
    if ":" in host or ":" in guest:
        shown = host if host == guest else f"{host}::{guest}"
        raise GrantError(f"--dir {shown}: a path with ':' cannot be passed to a wasmc executable "
                         f"(WASMC_DIR separates directories with ':')")


def process_environment() -> dict[str, str]:
    """The environment this process was started with. Python itself may add to os.environ (LC_CTYPE, when
    it coerces a C locale to UTF-8: PEP 538), and a guest inheriting the environment must not see that;
    Linux keeps the original in /proc/self/environ."""
    try:
        with open("/proc/self/environ", "rb") as f:
            entries = f.read().split(b"\0")
    except OSError:
        return dict(os.environ)
    out = {}
    for entry in entries:
        name, sep, value = entry.partition(b"=")
        if sep and name:
            out[os.fsdecode(name)] = os.fsdecode(value)
    return out


def guest_environment(env: Iterable[str], inherit_env: bool,
                      environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables the guest sees: with inherit_env the whole `environ` (default: this process's,
    process_environment), then each `--env` in order (`NAME` takes its value from `environ` and is left
    out when unset there, as in wasmtime). A variable given both ways takes the --env value; wasmtime
    would list it twice."""
    if environ is None:
        environ = process_environment()
    out = dict(environ) if inherit_env else {}
    for spec in env:
        name, sep, value = spec.partition("=")
        if sep:
            out[name] = value
        elif name in environ:
            out[name] = environ[name]
    return out
