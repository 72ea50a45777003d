"""What a guest is granted, spelled as wasmtime spells it: `--dir HOST[::GUEST]`, `--env NAME[=VALUE]`,
inheriting the whole environment, preopened listeners (`--tcplisten HOST:PORT`) and the network patterns of
`--allow-net`/`--allow-connect`/`--allow-bind`. Parsed here for `wasmc run`, `wasmc compile` and
GOWASIRUNTIMEARGS; launch.py passes run-time grants to executables in WASMC_* variables, which
runtime_c/main.c reads."""
from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import WasmcError


class GrantError(WasmcError):
    """A grant that cannot be given; the message names the option and the value."""


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


# --- the network --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NetGrants:
    """The network a guest may use; empty: none at all (every socket call fails with EACCES).

    tcplisten: HOST:PORT listening sockets opened for the guest, the fds after the preopened directories.
    allow_net, allow_connect, allow_bind: patterns (runtime_c/wasi/wasi.h) the guest may connect to and
    bind on, only connect to, or only bind on."""
    tcplisten: tuple[str, ...] = ()
    allow_net: tuple[str, ...] = ()
    allow_connect: tuple[str, ...] = ()
    allow_bind: tuple[str, ...] = ()

    def __add__(self, other: NetGrants) -> NetGrants:
        return NetGrants(self.tcplisten + other.tcplisten, self.allow_net + other.allow_net,
                         self.allow_connect + other.allow_connect, self.allow_bind + other.allow_bind)

    def environment(self) -> dict[str, str]:
        """The WASMC_* variables runtime_c/main.c reads these grants from (lists separated by commas)."""
        lists = (("WASMC_TCPLISTEN", self.tcplisten), ("WASMC_ALLOW_NET", self.allow_net),
                 ("WASMC_ALLOW_CONNECT", self.allow_connect), ("WASMC_ALLOW_BIND", self.allow_bind))
        return {name: ",".join(items) for name, items in lists if items}


EVERYTHING = "*"     # the pattern of a bare --allow-net and of wasmtime's -S inherit-network
LISTEN_SYNTAX = "HOST:PORT (HOST: IPv4, [IPv6] or a name; PORT: 0 to 65535)"
PATTERN_SYNTAX = ("*, ADDR[:PORTS] (ADDR: IPv4, [IPv6], a CIDR range, * or a host name; PORTS: N, N-M or *) "
                  "or unix:/PATH")
# A host name as a resolver could take it; anything else C would only fail to resolve.
_HOST_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?")


def _port(text: str) -> int | None:
    """runtime_c/wasi/net.c's parse_port: decimal digits only, at most 65535."""
    if not text or not text.isascii() or not text.isdigit() or int(text) > 65535:
        return None
    return int(text)


def parse_listen(spec: str, option: str = "--tcplisten") -> str:
    """One listener, HOST:PORT, checked as runtime_c/wasi/net.c's tcplisten_one reads it (which binds it
    later, when the guest starts); returned as given."""
    host, colon, port = spec.rpartition(":")
    if host.startswith("["):
        host = host[1:-1] if len(host) >= 2 and host.endswith("]") else ""
    if not colon or _port(port) is None or not host or "," in spec:
        raise GrantError(f"{option} {spec!r}: expected {LISTEN_SYNTAX}")
    return spec


def _address_ok(host: str) -> bool:
    """net.c's parse_numeric, then its rule for names: a numeric address with an optional /prefix no longer
    than the address, `*`, or a host name (neither '/' nor ':')."""
    if host == "*":
        return True
    addr, slash, bits = host.partition("/")
    for family, width in ((socket.AF_INET, 32), (socket.AF_INET6, 128)):
        try:
            socket.inet_pton(family, addr)
        except (OSError, ValueError):
            continue
        return not slash or (_port(bits) is not None and int(bits) <= width)
    return not slash and ":" not in host and _HOST_NAME.fullmatch(host) is not None


def _ports_ok(ports: str) -> bool:
    """net.c's parse_ports: *, N or N-M with N <= M."""
    if ports == "*":
        return True
    lo, dash, hi = ports.partition("-")
    if not dash:
        return _port(lo) is not None
    return _port(lo) is not None and _port(hi) is not None and int(lo) <= int(hi)


def check_pattern(pattern: str) -> bool:
    """Whether runtime_c/wasi/net.c's grant_one takes `pattern`: syntax only (host names are resolved and
    unix: directories looked up by the runtime, when the guest starts)."""
    if pattern.startswith("unix:"):
        return pattern[5:].startswith("/")
    if pattern == "*":
        return True
    ports = None
    if pattern.startswith("["):
        close = pattern.find("]")
        if close < 0 or pattern[close + 1:close + 2] not in ("", ":", "/"):
            return False
        rest = pattern[close + 1:]          # "[a]/8:80": host "a/8", ports "80"
        tail, colon, after = rest.partition(":")
        host, ports = pattern[1:close] + tail, after if colon else None
    elif pattern.count(":") == 1:
        host, ports = pattern.split(":")
    else:
        host = pattern                      # a bare IPv6 address has no port
    return bool(host) and (ports is None or _ports_ok(ports)) and _address_ok(host)


def parse_patterns(spec: str, option: str) -> tuple[str, ...]:
    """A comma-separated list of network patterns, each checked (check_pattern)."""
    patterns = tuple(item.strip() for item in spec.split(","))
    for pattern in patterns:
        if not pattern:
            raise GrantError(f"{option} {spec!r}: an empty pattern; expected {PATTERN_SYNTAX}")
        if pattern.startswith("unix:") and not check_pattern(pattern):
            raise GrantError(f"{option} {pattern!r}: a unix: path must be absolute")
        if not check_pattern(pattern):
            raise GrantError(f"{option} {pattern!r}: expected {PATTERN_SYNTAX}")
    return patterns


def net_grants(tcplisten: Iterable[str] = (), allow_net: Iterable[str] = (), allow_connect: Iterable[str] = (),
               allow_bind: Iterable[str] = ()) -> NetGrants:
    """NetGrants from the options as given: one listener per --tcplisten, pattern lists for the others."""
    def patterns(specs: Iterable[str], option: str) -> tuple[str, ...]:
        return tuple(p for spec in specs for p in parse_patterns(spec, option))
    return NetGrants(tuple(parse_listen(spec) for spec in tcplisten), patterns(allow_net, "--allow-net"),
                     patterns(allow_connect, "--allow-connect"), patterns(allow_bind, "--allow-bind"))
