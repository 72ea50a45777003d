"""The socket extension in runtime_c/wasi through cffi, called as generated code calls it, on a hand-built
vmctx: address layouts, both variants of each two-form function, options (the value form Go passes),
getaddrinfo's nodes, preopened listeners, exact poll_oneoff readiness, and the grants: every denied
operation answers EACCES and reaches nothing (the test's own sockets see no connection and no datagram).
All traffic stays on 127.0.0.1 / ::1, and every wait has a timeout."""
from __future__ import annotations

import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

import wasmc
from wasmc import aot
from wasmc._rt import ffi, lib
from wasmc.errors import LinkError, ProcExit
from wasmc.wasi import Wasi, WasiConfig, functype_of
from wasmc.wasm.decode import decode_module

# WASI errnos, fdflags, filetypes; the extension's families and socket types.
EACCES, EADDRINUSE, EAGAIN, EBADF, ECONNREFUSED, EINPROGRESS, EINVAL, ENOPROTOOPT = 2, 3, 6, 8, 14, 26, 28, 50
EAI_NONAME = 84
NONBLOCK = 4
SOCKET_DGRAM, SOCKET_STREAM = 5, 6
AF_INET, AF_INET6, AF_UNIX = 1, 2, 3
SOCK_DGRAM, SOCK_STREAM = 1, 2
SO_REUSEADDR, SO_TYPE, SO_ERROR, SO_LINGER, SO_RCVTIMEO, SO_BINDTODEVICE = 0, 1, 2, 9, 11, 14
WAIT = 0.3   # how long a test's own socket is watched for traffic that must not come

lib.wasmc_runtime_init()


def has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class Guest:
    """A vmctx with one memory page and a WASI state, a bump allocator for arguments, and the
    extension's calls as methods returning (errno, value)."""

    def __init__(self, config: WasiConfig | None = None):
        self.wasi = Wasi(config or WasiConfig())
        self.memory = lib.wasmc_memory_new(1, 1)
        self._memories = ffi.new("wasmc_memory *[]", [self.memory])
        self.vm = ffi.new("wasmc_vmctx *")
        self.vm.mem0_base = self.memory.base
        self.vm.memories = self._memories
        self.vm.host = self.wasi.state
        self.top = 1024
        self.fds: list[int] = []

    def close(self):
        self.wasi.close()
        lib.wasmc_memory_free(self.memory)

    @property
    def mem(self):
        return ffi.buffer(self.memory.base, self.memory.size)

    def alloc(self, n: int) -> int:
        self.top = (self.top + 7) // 8 * 8
        ptr, self.top = self.top, self.top + max(n, 1)
        assert self.top <= self.memory.size
        return ptr

    def put(self, data: bytes) -> int:
        ptr = self.alloc(len(data))
        self.mem[ptr:ptr + len(data)] = data
        return ptr

    def read(self, ptr: int, n: int) -> bytes:
        return bytes(self.mem[ptr:ptr + n])

    def u32(self, ptr: int) -> int:
        return struct.unpack_from("<I", self.mem, ptr)[0]

    def call(self, name: str, *args) -> int:
        return getattr(lib, "wasmc_wasi_" + name)(self.vm, *args)

    def address(self, host: str | bytes, family: int | None = None) -> int:
        """An {buf, buf_len} record: raw 4/16 bytes for an IP address, the 128-byte form for a path or
        when a family is forced."""
        if isinstance(host, bytes):   # a Unix path
            raw = struct.pack("<H", AF_UNIX) + host + b"\0"
            buf = self.put(raw.ljust(128, b"\0"))
            return self.put(struct.pack("<II", buf, 128))
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        raw = socket.inet_pton(fam, host)
        if family is not None:
            raw = struct.pack("<H", family) + raw
            raw = raw.ljust(128, b"\0")
        buf = self.put(raw)
        return self.put(struct.pack("<II", buf, len(raw)))

    def empty_address(self, size: int = 128) -> int:
        buf = self.alloc(size)
        return self.put(struct.pack("<II", buf, size))

    def parse_address(self, record: int) -> tuple[int, bytes]:
        buf, n = struct.unpack_from("<II", self.mem, record)
        data = self.read(buf, n)
        return (struct.unpack_from("<H", data)[0], data[2:]) if n == 128 else (0, data)

    def open(self, af=AF_INET, socktype=SOCK_STREAM) -> tuple[int, int]:
        out = self.alloc(4)
        err = self.call("sock_open", af, socktype, out)
        return err, self.u32(out)

    def connect(self, fd: int, host: str, port: int) -> int:
        return self.call("sock_connect", fd, self.address(host), port)

    def bind(self, fd: int, host: str, port: int) -> int:
        return self.call("sock_bind", fd, self.address(host), port)

    def fdstat(self, fd: int) -> tuple[int, int, int]:
        out = self.alloc(24)
        err = self.call("fd_fdstat_get", fd, out)
        return err, self.mem[out][0], struct.unpack_from("<H", self.mem, out + 2)[0]

    def getsockopt(self, fd: int, name: int, size: int = 4) -> tuple[int, int]:
        out = self.alloc(16)
        err = self.call("sock_getsockopt", fd, 0, name, out, size)
        return err, struct.unpack_from("<i", self.mem, out)[0]

    def setsockopt(self, fd: int, name: int, value: bytes) -> int:
        return self.call("sock_setsockopt", fd, 0, name, self.put(value), len(value))

    def local(self, fd: int, peer: bool = False) -> tuple[int, int, bytes, int]:
        rec, port = self.empty_address(), self.alloc(4)
        err = self.call("sock_getpeeraddr" if peer else "sock_getlocaladdr", fd, rec, port)
        family, addr = self.parse_address(rec)
        return err, family, addr, self.u32(port)

    def send(self, fd: int, data: bytes) -> tuple[int, int]:
        iov = self.put(struct.pack("<II", self.put(data), len(data)))
        out = self.alloc(4)
        return self.call("fd_write", fd, iov, 1, out), self.u32(out)

    def recv(self, fd: int, n: int = 256) -> tuple[int, bytes]:
        buf = self.alloc(n)
        iov = self.put(struct.pack("<II", buf, n))
        out = self.alloc(4)
        err = self.call("fd_read", fd, iov, 1, out)
        return err, self.read(buf, self.u32(out))

    def send_to(self, fd: int, data: bytes, host: str, port: int) -> tuple[int, int]:
        iov = self.put(struct.pack("<II", self.put(data), len(data)))
        out = self.alloc(4)
        return self.call("sock_send_to", fd, iov, 1, self.address(host), port, 0, out), self.u32(out)

    def poll(self, subs: list[tuple[int, int]], timeout_ns: int) -> tuple[int, list[tuple[int, int, int, int]]]:
        """FD_READ (1) / FD_WRITE (2) subscriptions (tag, fd) plus a relative clock; events as
        (userdata, error, type, nbytes)."""
        raw = b""
        for i, (tag, fd) in enumerate(subs):
            raw += struct.pack("<QB7xI", i, tag, fd).ljust(48, b"\0")
        raw += struct.pack("<QB7xIxxxxQQH", 99, 0, 1, timeout_ns, 0, 0).ljust(48, b"\0")
        n = len(subs) + 1
        inp, out, nout = self.put(raw), self.alloc(32 * n), self.alloc(4)
        err = self.call("poll_oneoff", inp, out, n, nout)
        events = [struct.unpack_from("<QHBxxxxxQ", self.mem, out + 32 * i) for i in range(self.u32(nout))]
        return err, [(u, e, t, nb) for u, e, t, nb in events]


@pytest.fixture
def guest_for():
    made = []

    def make(**config) -> Guest:
        g = Guest(WasiConfig(**config))
        made.append(g)
        return g
    yield make
    for g in made:
        g.close()


@pytest.fixture
def listener():
    """A listening TCP socket of the test's own on 127.0.0.1."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    yield s
    s.close()


def saw_connection(s: socket.socket) -> bool:
    return bool(select.select([s], [], [], WAIT)[0])


# ---- the import table: variants bound by type ------------------------------------------------------------

def test_variants_are_rows_of_one_name_bound_by_signature():
    sigs = Wasi.signatures()
    assert sigs["sock_accept"] == ("iii_i", "ii_i")
    assert sigs["sock_recv_from"] == ("iiiiiiii_i", "iiiiiii_i")
    assert sigs["sock_getlocaladdr"] == ("iii_i", "iiii_i") and sigs["sock_getpeeraddr"] == ("iii_i", "iiii_i")
    assert sigs["sock_send_to"] == ("iiiiiii_i",) and sigs["sock_getaddrinfo"] == ("iiiiiiii_i",)
    v2, v1 = Wasi.lookup("sock_accept", functype_of("iii_i")), Wasi.lookup("sock_accept", functype_of("ii_i"))
    assert v2[1] == functype_of("iii_i") and v1[1] == functype_of("ii_i") and v1[0] != v2[0]
    assert Wasi.lookup("sock_accept") == v2                                     # no type: the first
    assert Wasi.lookup("sock_accept", functype_of("i_i")) == v2                 # unknown type: the first
    assert Wasi.functions({"sock_accept": functype_of("ii_i")})["sock_accept"] == (v1[0], "ii_i")
    assert lib.wasmc_wasi_lookup_sig(b"sock_accept", b"ii_i").fn == ffi.cast("void *", v1[0])


def wat(text: str) -> bytes:
    tool = shutil.which("wat2wasm") or str(Path(sys.executable).parent / "wat2wasm")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "m.wasm"
        result = subprocess.run([tool, "-", "-o", str(out)], input=text.encode(), capture_output=True)
        assert result.returncode == 0, result.stderr.decode()
        return out.read_bytes()


# Calls the V1 forms (sock_accept without flags, sock_getlocaladdr with the address type) on fd 3, the
# preopened listener, and exits with: accept's errno * 10000 + address type * 100 + getlocaladdr's errno.
V1_COMMAND = """
(module
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_getlocaladdr" (func $local (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $a i32) (local $l i32)
    (i32.store (i32.const 0) (i32.const 64))   ;; address record {buf 64, len 16}
    (i32.store (i32.const 4) (i32.const 16))
    (local.set $a (call $accept (i32.const 3) (i32.const 8)))
    (local.set $l (call $local (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 20)))
    (call $exit (i32.add (i32.add (i32.mul (local.get $a) (i32.const 10000))
                                  (i32.mul (i32.load (i32.const 16)) (i32.const 100)))
                         (local.get $l)))))
"""


def test_v1_variants_bind_in_process_by_the_imports_type():
    module = wasmc.Module(wat(V1_COMMAND), 0)
    wasi = Wasi(WasiConfig(argv=["v1"], tcplisten=["127.0.0.1:0"]))
    instance = wasmc.Instance(module, {}, wasi=wasi)
    with pytest.raises(ProcExit) as exit:
        instance.exports["_start"]()
    assert exit.value.code == EAGAIN * 10000 + 4 * 100 + 0   # non-blocking listener; IPv4 is type 4
    wasi.close()


@pytest.mark.skipif(shutil.which(os.environ.get("CC", "cc")) is None, reason="needs a C compiler")
def test_v1_variants_in_an_executable_with_wasmc_tcplisten(tmp_path, monkeypatch):
    monkeypatch.setenv("WASMC_CACHE_DIR", str(tmp_path / "cache"))
    exe = aot.build_executable(wat(V1_COMMAND), tmp_path / "v1", opt_level=0)
    env = {"PATH": os.environ.get("PATH", "")}
    run = subprocess.run([exe], env={**env, "WASMC_TCPLISTEN": "127.0.0.1:0"}, capture_output=True, timeout=60)
    assert run.returncode == (EAGAIN * 10000 + 4 * 100) & 0xFF, run.stderr
    run = subprocess.run([exe], env=env, capture_output=True, timeout=60)
    assert run.returncode == (EBADF * 10000 + 0 * 100 + EBADF) & 0xFF         # no listener, fd 3 is free
    run = subprocess.run([exe], env={**env, "WASMC_TCPLISTEN": "127.0.0.1:99999"}, capture_output=True, timeout=60)
    assert run.returncode == 1 and b"invalid listener 127.0.0.1:99999" in run.stderr
    run = subprocess.run([exe], env={**env, "WASMC_ALLOW_CONNECT": "10.0.0.0/33"}, capture_output=True, timeout=60)
    assert run.returncode == 1 and b"invalid network grant 10.0.0.0/33" in run.stderr


def test_compile_time_check_accepts_every_variant_and_names_them_on_a_mismatch():
    m = decode_module(wat('(module (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32) (result i32))))'))
    assert aot.check_imports(m, aot.wasi_signatures()) == []
    bad = decode_module(wat('(module (import "wasi_snapshot_preview1" "sock_accept" (func (param i32) (result i32))))'))
    with pytest.raises(LinkError, match="sock_accept: expected iii_i or ii_i, found i_i"):
        aot.check_imports(bad, aot.wasi_signatures())


# ---- sockets as fds ---------------------------------------------------------------------------------------

def test_stream_and_datagram_sockets_are_fds_with_socket_filetypes(guest_for):
    g = guest_for(allow_connect=["127.0.0.1"])
    err, tcp = g.open(AF_INET, SOCK_STREAM)
    assert err == 0 and g.fdstat(tcp)[:2] == (0, SOCKET_STREAM)
    err, udp = g.open(AF_INET, SOCK_DGRAM)
    assert err == 0 and g.fdstat(udp)[:2] == (0, SOCKET_DGRAM)
    assert g.getsockopt(tcp, SO_TYPE) == (0, SOCK_STREAM) and g.getsockopt(udp, SO_TYPE) == (0, SOCK_DGRAM)
    assert g.call("fd_fdstat_set_flags", tcp, NONBLOCK) == 0 and g.fdstat(tcp)[2] == NONBLOCK
    stat = g.alloc(64)
    assert g.call("fd_filestat_get", udp, stat) == 0 and g.mem[stat + 16][0] == SOCKET_DGRAM
    assert g.call("fd_close", tcp) == 0 and g.fdstat(tcp)[0] == EBADF
    assert g.open(7, SOCK_STREAM)[0] == EINVAL and g.open(AF_INET, 0)[0] == EINVAL


def test_tcp_connect_send_receive_and_addresses(guest_for, listener):
    g = guest_for(allow_connect=["127.0.0.1"])
    port = listener.getsockname()[1]
    _, fd = g.open()
    assert g.connect(fd, "127.0.0.1", port) == 0
    peer, _ = listener.accept()
    with peer:
        assert g.send(fd, b"ping") == (0, 4)
        assert peer.recv(16) == b"ping"
        peer.sendall(b"pong")
        assert g.recv(fd) == (0, b"pong")
        err, family, addr, lport = g.local(fd)
        assert (err, family, addr[:4]) == (0, AF_INET, bytes([127, 0, 0, 1])) and lport == peer.getpeername()[1]
        assert g.local(fd, peer=True)[:2] == (0, AF_INET) and g.local(fd, peer=True)[3] == port
        # V1: a 16-byte raw buffer, the type 4, the port.
        rec, typ, p = g.empty_address(16), g.alloc(4), g.alloc(4)
        assert g.call("sock_getpeeraddr_v1", fd, rec, typ, p) == 0
        assert (g.u32(typ), g.u32(p), g.parse_address(rec)[1][:4]) == (4, port, bytes([127, 0, 0, 1]))
        assert g.call("sock_getlocaladdr", fd, g.empty_address(16), p) == EINVAL   # V2 wants 128 bytes
        assert g.call("sock_shutdown", fd, 2) == 0 and peer.recv(16) == b""
        peer.close()
        assert g.recv(fd) == (0, b"")


def test_nonblocking_connect_answers_einprogress_then_so_error(guest_for, listener):
    g = guest_for(allow_connect=["127.0.0.1"])
    _, fd = g.open()
    g.call("fd_fdstat_set_flags", fd, NONBLOCK)
    err = g.connect(fd, "127.0.0.1", listener.getsockname()[1])
    assert err in (0, EINPROGRESS)
    err, events = g.poll([(2, fd)], 5_000_000_000)
    assert err == 0 and [e[0] for e in events] == [0]
    assert g.getsockopt(fd, SO_ERROR) == (0, 0)
    # A refused connection: SO_ERROR holds WASI's ECONNREFUSED, not Linux's 111.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead_port = closed.getsockname()[1]
    closed.close()
    _, fd2 = g.open()
    g.call("fd_fdstat_set_flags", fd2, NONBLOCK)
    err = g.connect(fd2, "127.0.0.1", dead_port)
    if err == EINPROGRESS:
        g.poll([(2, fd2)], 5_000_000_000)
        assert g.getsockopt(fd2, SO_ERROR) == (0, ECONNREFUSED)
    else:
        assert err == ECONNREFUSED


def test_socket_options(guest_for):
    g = guest_for(allow_bind=["127.0.0.1"])
    _, fd = g.open()
    one = struct.pack("<i", 1)
    assert g.setsockopt(fd, SO_REUSEADDR, one) == 0 and g.getsockopt(fd, SO_REUSEADDR) == (0, 1)
    # WasmEdge's form of getsockopt: the fifth argument points at an in/out size.
    size, value = g.put(struct.pack("<I", 4)), g.alloc(4)
    assert g.call("sock_getsockopt", fd, 0, SO_REUSEADDR, value, size) == 0 and g.u32(value) == 1
    assert g.setsockopt(fd, SO_LINGER, struct.pack("<ii", 1, 3)) == 0
    out = g.alloc(8)
    assert g.call("sock_getsockopt", fd, 0, SO_LINGER, out, 8) == 0 and struct.unpack_from("<ii", g.mem, out) == (1, 3)
    assert g.setsockopt(fd, SO_RCVTIMEO, struct.pack("<qq", 2, 500000)) == 0
    out = g.alloc(16)
    assert g.call("sock_getsockopt", fd, 0, SO_RCVTIMEO, out, 16) == 0
    assert struct.unpack_from("<qq", g.mem, out)[0] == 2
    assert g.setsockopt(fd, SO_REUSEADDR, b"\1\0") == EINVAL                 # an int is 4 bytes
    assert g.setsockopt(fd, SO_TYPE, one) == ENOPROTOOPT                       # read-only
    assert g.setsockopt(fd, SO_BINDTODEVICE, b"lo\0\0") == EACCES              # past the address grants
    assert g.call("sock_getsockopt", fd, 1, SO_REUSEADDR, out, 4) == EINVAL    # only SOL_SOCKET
    assert g.call("sock_getsockopt", fd, 0, 99, out, 4) == ENOPROTOOPT


def test_udp_send_to_and_both_recv_from_variants(guest_for):
    g = guest_for(allow_net=["127.0.0.1"])
    py = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    py.bind(("127.0.0.1", 0))
    py.settimeout(5)
    with py:
        _, fd = g.open(AF_INET, SOCK_DGRAM)
        assert g.bind(fd, "127.0.0.1", 0) == 0
        gport = g.local(fd)[3]
        assert g.send_to(fd, b"hello", "127.0.0.1", py.getsockname()[1]) == (0, 5)
        data, sender = py.recvfrom(64)
        assert data == b"hello" and sender == ("127.0.0.1", gport)
        for variant in ("sock_recv_from", "sock_recv_from_v1"):
            py.sendto(variant.encode(), ("127.0.0.1", gport))
            buf = g.alloc(64)
            iov, rec = g.put(struct.pack("<II", buf, 64)), g.empty_address(128 if variant == "sock_recv_from" else 4)
            port, n, flags = g.alloc(4), g.alloc(4), g.alloc(4)
            args = (fd, iov, 1, rec, 0, port, n, flags) if variant == "sock_recv_from" else (fd, iov, 1, rec, 0, n, flags)
            assert g.call(variant, *args) == 0
            assert g.read(buf, g.u32(n)) == variant.encode()
            family, addr = g.parse_address(rec)
            assert addr[:4] == bytes([127, 0, 0, 1]) and family == (AF_INET if variant == "sock_recv_from" else 0)
            if variant == "sock_recv_from":
                assert g.u32(port) == py.getsockname()[1]
        # A bad address record is refused before the datagram is consumed.
        py.sendto(b"kept", ("127.0.0.1", gport))
        buf = g.alloc(64)
        iov, bad = g.put(struct.pack("<II", buf, 64)), g.empty_address(7)
        n, flags, port = g.alloc(4), g.alloc(4), g.alloc(4)
        assert g.call("sock_recv_from", fd, iov, 1, bad, 0, port, n, flags) == EINVAL
        assert g.recv(fd) == (0, b"kept")


@pytest.mark.skipif(not has_ipv6(), reason="no IPv6 loopback")
def test_ipv6_and_ipv4_mapped_addresses(guest_for):
    g = guest_for(allow_connect=["127.0.0.1"], allow_bind=["[::1]:0"])
    v4 = socket.socket()
    v4.bind(("127.0.0.1", 0))
    v4.listen(1)
    with v4:
        _, fd = g.open(AF_INET6, SOCK_STREAM)
        # An IPv6 socket reaching 127.0.0.1 through ::ffff:127.0.0.1 is checked as 127.0.0.1.
        assert g.connect(fd, "::ffff:127.0.0.1", v4.getsockname()[1]) == 0
        v4.accept()[0].close()
    _, fd = g.open(AF_INET6, SOCK_STREAM)
    assert g.bind(fd, "::1", 0) == 0
    assert g.call("sock_listen", fd, 4) == 0
    err, family, addr, port = g.local(fd)
    assert (err, family, addr[:16]) == (0, AF_INET6, socket.inet_pton(socket.AF_INET6, "::1")) and port > 0
    with socket.create_connection(("::1", port), timeout=5):
        out = g.alloc(4)
        assert g.call("sock_accept", fd, 0, out) == 0
    _, fd2 = g.open(AF_INET6, SOCK_STREAM)
    assert g.bind(fd2, "::", 0) == EACCES                                    # the wildcard was not granted


# ---- preopened listeners ----------------------------------------------------------------------------------

def test_tcplisten_listeners_follow_the_preopens_and_accept_nonblocking(guest_for, tmp_path):
    own = socket.socket()
    own.bind(("127.0.0.1", 0))
    own.listen(4)
    g = guest_for(preopens=[(str(tmp_path), "/tmp")], tcplisten=["127.0.0.1:0"], listen_fds=[own.fileno()])
    own.close()   # the state holds its own duplicate
    assert g.fdstat(3)[1] == 3                                               # the directory
    assert g.fdstat(4)[1:] == (SOCKET_STREAM, NONBLOCK) and g.fdstat(5)[1:] == (SOCKET_STREAM, NONBLOCK)
    assert g.fdstat(6)[0] == EBADF
    out = g.alloc(4)
    assert g.call("sock_accept", 4, 0, out) == EAGAIN
    port = g.local(4)[3]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        err, events = g.poll([(1, 4)], 5_000_000_000)
        assert err == 0 and [e[0] for e in events] == [0]
        assert g.call("sock_accept", 4, 0, out) == 0
        conn = g.u32(out)
        # Accepted from a non-blocking listener: non-blocking too, so Go's netpoller never blocks the guest.
        assert g.fdstat(conn)[1:] == (SOCKET_STREAM, NONBLOCK)
        assert g.recv(conn)[0] == EAGAIN
        client.sendall(b"abc")
        err, events = g.poll([(1, conn)], 5_000_000_000)
        assert err == 0 and events[0][:2] == (0, 0) and events[0][3] == 3   # nbytes readable
        assert g.recv(conn) == (0, b"abc")


def test_listener_setup_errors(listener):
    s = socket.socket()
    with s, pytest.raises(OSError, match="not a listening stream socket"):
        Wasi(WasiConfig(listen_fds=[s.fileno()]))
    taken = f"127.0.0.1:{listener.getsockname()[1]}"
    with pytest.raises(OSError, match=f"cannot listen on {taken}: Address already in use"):
        Wasi(WasiConfig(tcplisten=[taken]))
    with pytest.raises(OSError, match="invalid listener 127.0.0.1"):
        Wasi(WasiConfig(tcplisten=["127.0.0.1"]))


def test_poll_readiness_is_exact_for_many_sockets(guest_for):
    g = guest_for(allow_connect=["127.0.0.1"])
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    peers, fds = [], []
    with server:
        for _ in range(40):
            _, fd = g.open()
            assert g.connect(fd, "127.0.0.1", server.getsockname()[1]) == 0
            g.call("fd_fdstat_set_flags", fd, NONBLOCK)
            fds.append(fd)
            peers.append(server.accept()[0])
    try:
        err, events = g.poll([(1, fd) for fd in fds], 1_000_000)
        assert err == 0 and [e[0] for e in events] == [99]                   # nothing readable: the clock
        for i in (3, 17, 39):
            peers[i].sendall(b"x" * (i + 1))
        err, events = g.poll([(1, fd) for fd in fds], 5_000_000_000)
        assert err == 0 and sorted((e[0], e[3]) for e in events) == [(3, 4), (17, 18), (39, 40)]
        err, events = g.poll([(2, fd) for fd in fds[:5]], 5_000_000_000)
        assert sorted(e[0] for e in events) == [0, 1, 2, 3, 4]                # all writable
        peers[5].close()
        err, events = g.poll([(1, fds[5])], 5_000_000_000)
        assert events[0][0] == 0 and g.recv(fds[5]) == (0, b"")               # hangup reads as EOF
    finally:
        for p in peers:
            p.close()


# ---- name lookup ------------------------------------------------------------------------------------------

def getaddrinfo(g: Guest, node: bytes, service: bytes = b"", socktype: int = SOCK_STREAM, nodes: int = 4):
    """Pre-linked nodes as dispatchrun/net lays them out; returns (errno, [(family, socktype, data)])."""
    infos = []
    for _ in range(nodes):
        data = g.alloc(26)
        sa = g.put(struct.pack("<III", 0, 26, data))
        canon = g.alloc(30)
        infos.append((g.alloc(28), sa, data, canon))
    for i, (ai, sa, data, canon) in enumerate(infos):
        nxt = infos[i + 1][0] if i + 1 < nodes else 0
        g.mem[ai:ai + 28] = struct.pack("<HBBIIIIII", 0, 0, 0, 0, 12, sa, canon, 30, nxt)
    hints = g.put(struct.pack("<HBBIIIIII", 0, 0, socktype, 0, 0, 0, 0, 0, 0))
    res, count = g.put(struct.pack("<I", infos[0][0])), g.alloc(4)
    n_ptr, s_ptr = g.put(node), g.put(service)
    err = g.call("sock_getaddrinfo", n_ptr, len(node), s_ptr, len(service), hints, res, nodes, count)
    out = []
    for ai, sa, data, _ in infos[:g.u32(count)] if err == 0 else []:
        _, family, st, _ = struct.unpack_from("<HBBI", g.mem, ai)
        fam, n = struct.unpack_from("<II", g.mem, sa)
        assert fam == family
        out.append((family, st, g.read(data, n)))
    return err, out


def test_getaddrinfo_numeric_answers_without_a_grant_in_wasmedges_layout(guest_for):
    g = guest_for()
    err, found = getaddrinfo(g, b"127.0.0.1\0", b"8080\0")
    assert err == 0 and found
    family, socktype, data = found[0]
    assert (family, socktype) == (AF_INET, SOCK_STREAM)
    assert data[:2] == struct.pack(">H", 8080) and data[2:6] == bytes([127, 0, 0, 1]) and len(data) == 14
    err, found = getaddrinfo(g, b"::1")
    assert err == 0 and found[0][0] == AF_INET6
    assert found[0][2][6:22] == socket.inet_pton(socket.AF_INET6, "::1") and len(found[0][2]) == 26
    assert getaddrinfo(g, b"", b"")[0] == EAI_NONAME


def test_getaddrinfo_resolves_a_name_only_when_granted(guest_for):
    assert getaddrinfo(guest_for(), b"localhost\0")[0] == EACCES
    assert getaddrinfo(guest_for(allow_connect=["127.0.0.1"]), b"localhost")[0] == EACCES
    assert getaddrinfo(guest_for(allow_bind=["*"]), b"localhost")[0] == EACCES
    for grant in (dict(allow_connect=["localhost:80"]), dict(allow_connect=["*"]), dict(allow_net=["*"])):
        err, found = getaddrinfo(guest_for(**grant), b"LocalHost\0")
        assert err == 0 and any(f == AF_INET and d[2:6] == bytes([127, 0, 0, 1]) for f, _, d in found), grant


# ---- the grants -------------------------------------------------------------------------------------------

def test_no_grant_no_socket(guest_for):
    g = guest_for()
    for af, st in ((AF_INET, SOCK_STREAM), (AF_INET, SOCK_DGRAM), (AF_INET6, SOCK_STREAM), (AF_UNIX, SOCK_STREAM)):
        assert g.open(af, st)[0] == EACCES
    # A tcplisten listener needs no grant, and still gives none.
    g = guest_for(tcplisten=["127.0.0.1:0"])
    assert g.fdstat(3)[1] == SOCKET_STREAM and g.open()[0] == EACCES


def test_denied_connect_bind_and_send_to_touch_nothing(guest_for, listener):
    port = listener.getsockname()[1]
    g = guest_for(allow_connect=[f"127.0.0.1:{port + 1}-{port + 2}"], allow_bind=["127.0.0.1:0"])
    _, fd = g.open()
    assert g.connect(fd, "127.0.0.1", port) == EACCES
    assert g.connect(fd, "127.0.0.2", port + 1) == EACCES
    assert not saw_connection(listener)
    # Binding the port the test holds: EACCES, not EADDRINUSE, so the host never tried.
    assert g.bind(fd, "127.0.0.1", port) == EACCES
    assert g.bind(fd, "0.0.0.0", 0) == EACCES
    # listen() on an unbound socket would bind 0.0.0.0: checked as that bind.
    assert g.call("sock_listen", fd, 1) == EACCES
    assert g.bind(fd, "127.0.0.1", 0) == 0 and g.call("sock_listen", fd, 1) == 0
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    with udp:
        _, ufd = g.open(AF_INET, SOCK_DGRAM)
        assert g.send_to(ufd, b"leak", "127.0.0.1", udp.getsockname()[1])[0] == EACCES
        assert g.connect(ufd, "127.0.0.1", udp.getsockname()[1]) == EACCES
        assert not select.select([udp], [], [], WAIT)[0]


def test_cidr_and_port_range_grants(guest_for, listener):
    port = listener.getsockname()[1]
    cases = [(f"127.0.0.0/8:{port}", 0), (f"127.0.0.0/24:{port - 1}-{port}", 0), (f"127.0.0.1/32:*", 0),
             ("127.0.0.1", 0), (f"*:{port}", 0), (f"127.0.0.2/32:{port}", EACCES),
             (f"127.0.0.1:{port + 1}-{port + 9}", EACCES), (f"[::1]:{port}", EACCES),
             (f"[::ffff:127.0.0.0]/104:{port}", 0)]
    for grant, expected in cases:
        g = guest_for(allow_connect=[grant])
        _, fd = g.open()
        assert g.connect(fd, "127.0.0.1", port) == expected, grant
        if expected == 0:
            listener.accept()[0].close()
        else:
            assert not saw_connection(listener), grant
    # Bind-only grants do not let the guest connect, and connect-only ones do not let it bind.
    g = guest_for(allow_bind=["127.0.0.1"])
    _, fd = g.open()
    assert g.connect(fd, "127.0.0.1", port) == EACCES
    g = guest_for(allow_connect=["127.0.0.1"])
    _, fd = g.open()
    assert g.bind(fd, "127.0.0.1", 0) == EACCES


@pytest.mark.parametrize("bad", ["", "127.0.0.1:", "127.0.0.1:70000", "127.0.0.1:9-3", "10.0.0.0/33", "[::1",
                                 "unix:relative", "no-such-host.invalid", "1.2.3.4/8/9"])
def test_bad_grants_are_errors(bad):
    with pytest.raises(OSError, match="invalid network grant|cannot resolve|empty network list"):
        Wasi(WasiConfig(allow_connect=[bad]))


def test_unix_sockets_need_a_unix_grant(guest_for, tmp_path):
    inside, outside = tmp_path / "inside", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    servers = []
    for path in (inside / "s.sock", outside / "s.sock"):
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(path))
        s.listen(2)
        servers.append(s)
    (inside / "link.sock").symlink_to(outside / "s.sock")
    try:
        assert guest_for(allow_net=["*"]).open(AF_UNIX)[0] == EACCES          # `*` is IP only
        g = guest_for(allow_connect=[f"unix:{inside}/"])
        _, fd = g.open(AF_UNIX)
        assert g.call("sock_connect", fd, g.address(str(outside / "s.sock").encode()), 0) == EACCES
        assert g.call("sock_connect", fd, g.address(str(inside / "link.sock").encode()), 0) == EACCES
        assert g.call("sock_connect", fd, g.address(str(inside / ".." / "outside" / "s.sock").encode()), 0) == EACCES
        assert not saw_connection(servers[1])
        assert g.call("sock_connect", fd, g.address(str(inside / "s.sock").encode()), 0) == 0
        servers[0].accept()[0].close()
        # A grant of one path, and binding it.
        target = tmp_path / "bound.sock"
        g = guest_for(allow_bind=[f"unix:{target}"])
        _, fd = g.open(AF_UNIX)
        assert g.call("sock_bind", fd, g.address(str(tmp_path / "other.sock").encode()), 0) == EACCES
        assert not (tmp_path / "other.sock").exists()
        assert g.call("sock_bind", fd, g.address(str(target).encode()), 0) == 0 and target.exists()
        assert g.call("sock_listen", fd, 1) == 0
        assert g.local(fd)[:3] == (0, AF_UNIX, str(target).encode().ljust(126, b"\0"))
    finally:
        for s in servers:
            s.close()


def test_a_storage_form_address_with_its_family(guest_for, listener):
    g = guest_for(allow_connect=["127.0.0.1"])
    _, fd = g.open()
    assert g.call("sock_connect", fd, g.address("127.0.0.1", family=AF_INET), listener.getsockname()[1]) == 0
    listener.accept()[0].close()
    _, fd = g.open()
    assert g.call("sock_connect", fd, g.address("127.0.0.1", family=9), 80) == EINVAL
    assert g.call("sock_connect", fd, g.empty_address(5), 80) == EINVAL
    assert g.call("sock_connect", fd, -16, 80) == 21                          # EFAULT: 0xfffffff0
    assert g.connect(fd, "127.0.0.1", 70000) == EINVAL
