"""WASI preview1 configuration for Python hosts: WasiConfig (argv, environment, preopened directories,
preopened listeners, network grants) and Wasi, which owns the C state of runtime_c/wasi and lists its
functions for the instantiator. What the functions do is runtime_c's business; how imports are bound is
the instantiator's."""
from __future__ import annotations

from .errors import WasmcError

import os
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from wasmc._rt import ffi, lib
from wasmc.wasm.types import I32, I64, FuncType

MODULE = "wasi_snapshot_preview1"

_SIG_TYPES = {"i": I32, "l": I64}


def functype_of(sig: str) -> FuncType:
    """The wasm type of a runtime_c signature string: params '_' results, i = i32, l = i64 ("ili_i")."""
    params, _, results = sig.partition("_")
    return FuncType(tuple(_SIG_TYPES[c] for c in params), tuple(_SIG_TYPES[c] for c in results))


def signature_of(ft: FuncType) -> str:
    """The signature string of a wasm type ("?" for a type no WASI function has)."""
    letters = {t: c for c, t in _SIG_TYPES.items()}
    return "".join(letters.get(t, "?") for t in ft.params) + "_" + "".join(letters.get(t, "?") for t in ft.results)


@dataclass(slots=True)
class WasiConfig:
    """What the guest sees: argv, environ (a mapping or (name, value) pairs, order kept) and
    (host_path, guest_path) preopens, which get fds 3, 4, ... in order. Stdio is the process's own.

    Network (runtime_c/wasi/wasi.h has the pattern syntax): `tcplisten` HOST:PORT listeners and
    `listen_fds` (host listening sockets, duplicated) become the fds after the preopens, in that order;
    `allow_net` patterns may be connected to and bound, `allow_connect` only connected to (TCP, UDP
    connect and send_to), `allow_bind` only bound. Nothing granted: no socket can be opened."""

    argv: list[str] = field(default_factory=list)
    env: Mapping[str, str] | Iterable[tuple[str, str]] = field(default_factory=dict)
    preopens: list[tuple[str | os.PathLike[str], str]] = field(default_factory=list)
    tcplisten: list[str] = field(default_factory=list)
    listen_fds: list[int] = field(default_factory=list)
    allow_net: list[str] = field(default_factory=list)
    allow_connect: list[str] = field(default_factory=list)
    allow_bind: list[str] = field(default_factory=list)

    def env_pairs(self) -> list[tuple[str, str]]:
        items = self.env.items() if isinstance(self.env, Mapping) else self.env
        return [(str(name), str(value)) for name, value in items]


def _c_strings(values: list[str]):
    # Keep the char[] cdata alive alongside the array that points at them.
    keep = [ffi.new("char[]", os.fsencode(v)) for v in values]
    return keep, ffi.new("char *[]", keep or [ffi.NULL])


class Wasi:
    """One WASI environment in C. `state` goes into the importing instance's vmctx->host; `functions()`
    gives each import's C address and signature. The C state is freed by close() or garbage collection.

        wasi = Wasi(WasiConfig(argv=["app.wasm"], env={"PWD": "/"}, preopens=[("/", "/")]))
        fn_address, sig = wasi.functions()["fd_write"]     # sig "iiii_i"
    """

    def __init__(self, config: WasiConfig) -> None:
        self.config = config
        env = [f"{name}={value}" for name, value in config.env_pairs()]
        hosts = [os.fspath(host) for host, _ in config.preopens]
        guests = [guest for _, guest in config.preopens]
        keep_argv, argv = _c_strings(list(config.argv))
        keep_env, envp = _c_strings(env)
        keep_hosts, host_paths = _c_strings(hosts)
        keep_guests, guest_paths = _c_strings(guests)
        state = lib.wasmc_wasi_new(len(config.argv), argv, len(env), envp, len(hosts), host_paths, guest_paths)
        if state == ffi.NULL:
            raise OSError(ffi.string(lib.wasmc_wasi_error()).decode(errors="replace"))
        self._state = ffi.gc(state, lib.wasmc_wasi_free)
        self._configure_network(config)

    def _configure_network(self, config: WasiConfig) -> None:
        # Listeners first: they take the fds right after the preopened directories.
        state = self._state
        grants = [(lib.WASMC_NET_CONNECT | lib.WASMC_NET_BIND, config.allow_net),
                  (lib.WASMC_NET_CONNECT, config.allow_connect), (lib.WASMC_NET_BIND, config.allow_bind)]
        ok = (all(lib.wasmc_wasi_tcplisten(state, spec.encode()) >= 0 for spec in config.tcplisten)
              and all(lib.wasmc_wasi_add_listener(state, int(fd)) >= 0 for fd in config.listen_fds)
              and all(lib.wasmc_wasi_grant_net(state, kinds, pattern.encode()) == 0
                      for kinds, patterns in grants for pattern in patterns))
        if not ok:
            message = ffi.string(lib.wasmc_wasi_error()).decode(errors="replace")
            self.close()
            raise OSError(message)

    @property
    def state(self):
        """The `wasmc_wasi *` to store in vmctx->host of every instance importing WASI functions."""
        if self._state is None:
            raise ValueError("WASI state is closed")
        return self._state

    def close(self) -> None:
        """Close the descriptors the guest opened (never the process's stdio) and free the state."""
        if self._state is not None:
            ffi.release(self._state)
            self._state = None

    @staticmethod
    def functions(wanted: Mapping[str, FuncType] | None = None) -> dict[str, tuple[int, str]]:
        """Import name -> (address of the C function, signature string) for every function. A name with
        variants (sock_accept, ...) gives the one of type wanted[name] if there is one, else its first."""
        out: dict[str, tuple[int, str]] = {}
        row = lib.wasmc_wasi_imports
        i = 0
        while row[i].name != ffi.NULL:
            name, sig = ffi.string(row[i].name).decode(), ffi.string(row[i].sig).decode()
            if name not in out or (wanted is not None and name in wanted and functype_of(sig) == wanted[name]):
                out[name] = (int(ffi.cast("uintptr_t", row[i].fn)), sig)
            i += 1
        return out

    @staticmethod
    def signatures() -> dict[str, tuple[str, ...]]:
        """Import name -> the signature of each of its variants, the first one first."""
        out: dict[str, tuple[str, ...]] = {}
        row = lib.wasmc_wasi_imports
        i = 0
        while row[i].name != ffi.NULL:
            name = ffi.string(row[i].name).decode()
            out[name] = out.get(name, ()) + (ffi.string(row[i].sig).decode(),)
            i += 1
        return out

    @staticmethod
    def lookup(name: str, ft: FuncType | None = None) -> tuple[int, FuncType] | None:
        """(C address, wasm type) of one import of module wasi_snapshot_preview1: the variant of type `ft`
        if given and there is one, else the first; None if the name is unknown."""
        sig = "" if ft is None else signature_of(ft)
        row = lib.wasmc_wasi_lookup_sig(name.encode(), sig.encode())
        if row == ffi.NULL:
            return None
        return int(ffi.cast("uintptr_t", row.fn)), functype_of(ffi.string(row.sig).decode())

    def __enter__(self) -> Wasi:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def parse_dir(spec: str) -> tuple[str, str]:
    """`HOST[::GUEST]` -> (host, guest); the guest path defaults to the host path, as in wasmtime."""
    host, sep, guest = spec.partition("::")
    if not host or (sep and not guest):
        raise WasmcError(f"invalid --dir {spec!r}: expected HOST or HOST::GUEST")
    return host, guest or host
