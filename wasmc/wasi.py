"""WASI preview1 for Python hosts: WasiConfig (what the guest sees: argv, environment, preopened
directories and listeners, network grants) and Wasi, which owns the C state of runtime_c/wasi. What the
functions do is runtime_c's business, and so is binding a module's WASI imports to them
(runtime_c/instance.c, when an Instance is given `wasi=`)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from wasmc._rt import ffi, lib

from .abi import WASI_MODULE, functype_of, signature
from .errors import WasmcError
from .wasm.types import FuncType

MODULE = WASI_MODULE     # the import module name WASI functions come from
__all__ = ["MODULE", "Wasi", "WasiConfig", "functype_of"]


@dataclass(slots=True)
class WasiConfig:
    """What a WASI guest sees: `argv`, `env` (a mapping or (name, value) pairs, order kept) and
    `preopens`, (host_path, guest_path) pairs that get fds 3, 4, ... in order. Stdio is the process's
    own; nothing else of the host is visible (no directory, no variable unless given here).

    Network (runtime_c/wasi/wasi.h has the pattern syntax): `tcplisten` HOST:PORT listeners and
    `listen_fds` (host listening sockets, duplicated) become the fds after the preopens, in that order;
    `allow_net` patterns may be connected to and bound, `allow_connect` only connected to (TCP, UDP
    connect and send_to), `allow_bind` only bound. Nothing granted: no socket can be opened.

        config = WasiConfig(argv=["app.wasm", "-v"], env={"HOME": "/"}, preopens=[("/tmp/data", "/data")])
    """

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
    """One WASI environment (argv, environment, open descriptors) in C, made from a WasiConfig. Give it to
    an Instance to link the module's wasi_snapshot_preview1 imports to it; several instances may share
    one. The descriptors the guest opened are closed by close() (or a `with` block, or garbage
    collection), never the process's stdio.

        with Wasi(WasiConfig(argv=["hello.wasm"])) as wasi:
            instance = wasmc.Instance(wasmc.Module.from_file("hello.wasm"), {}, wasi=wasi)
            instance.exports["_start"]()        # raises ProcExit if the guest calls proc_exit
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
        """The `wasmc_wasi *` that instances importing WASI functions are given (their vmctx->host)."""
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
        sig = "" if ft is None else signature(ft)
        row = lib.wasmc_wasi_lookup_sig(name.encode(), sig.encode())
        if row == ffi.NULL:
            return None
        return int(ffi.cast("uintptr_t", row.fn)), functype_of(ffi.string(row.sig).decode())

    def __enter__(self) -> Wasi:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

