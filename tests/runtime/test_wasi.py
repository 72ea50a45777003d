"""runtime_c/wasi through cffi: each WASI function called as generated code would call it, on a hand-built
vmctx whose memory holds the arguments. Covers the memory layouts (args, environ, iovecs, dirents,
filestat, events), file I/O in a preopened temp dir, the sandbox (every escape fails with wasmtime's
errno and touches nothing outside) under both path resolvers, EFAULT for bad pointers, and poll_oneoff
sleeping."""
from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wasmc._rt import ffi, lib
from wasmc.wasi import MODULE, Wasi, WasiConfig, functype_of
from wasmc.wasm.types import I32, I64, FuncType

# WASI errnos (preview1 numbering).
ESUCCESS, EBADF, EEXIST, EFAULT, EINVAL, EISDIR, ELOOP = 0, 8, 20, 21, 28, 31, 32
ENOENT, ENOTDIR, ENOTEMPTY, EPERM, ESPIPE, ENAMETOOLONG = 44, 54, 55, 63, 70, 37
# rights, oflags, lookupflags, filetypes
FD_READ, FD_WRITE, FD_READDIR = 1 << 1, 1 << 6, 1 << 14
O_CREAT, O_DIRECTORY, O_EXCL, O_TRUNC = 1, 2, 4, 8
FOLLOW = 1
DIRECTORY, REGULAR_FILE, SYMBOLIC_LINK = 3, 4, 7
PREOPEN_FD = 3
PAGE = 65536

lib.wasmc_runtime_init()


class Guest:
    """A vmctx with one memory page and a WASI state, plus a bump allocator for arguments in memory."""

    def __init__(self, config: WasiConfig, pages: int = 1):
        self.wasi = Wasi(config)
        self.memory = lib.wasmc_memory_new(pages, pages)
        self._memories = ffi.new("wasmc_memory *[]", [self.memory])
        self.vm = ffi.new("wasmc_vmctx *")
        self.vm.mem0_base = self.memory.base
        self.vm.memories = self._memories
        self.vm.host = self.wasi.state
        self.top = 1024   # addresses below stay free, so small constants are valid pointers too

    def close(self):
        self.wasi.close()
        lib.wasmc_memory_free(self.memory)

    @property
    def mem(self):
        return ffi.buffer(self.memory.base, self.memory.size)

    def alloc(self, n: int, align: int = 8) -> int:
        self.top = (self.top + align - 1) // align * align
        ptr, self.top = self.top, self.top + n
        assert self.top <= self.memory.size
        return ptr

    def put(self, data: bytes) -> int:
        ptr = self.alloc(max(len(data), 1))
        self.mem[ptr:ptr + len(data)] = data
        return ptr

    def read(self, ptr: int, n: int) -> bytes:
        return bytes(self.mem[ptr:ptr + n])

    def u32(self, ptr: int) -> int:
        return struct.unpack_from("<I", self.mem, ptr)[0]

    def u64(self, ptr: int) -> int:
        return struct.unpack_from("<Q", self.mem, ptr)[0]

    def call(self, name: str, *args) -> int:
        return getattr(lib, "wasmc_wasi_" + name)(self.vm, *args)

    def path(self, s: str | bytes) -> tuple[int, int]:
        b = s.encode() if isinstance(s, str) else s
        return self.put(b), len(b)

    def iovecs(self, *bufs: tuple[int, int]) -> tuple[int, int]:
        return self.put(b"".join(struct.pack("<II", p, n) for p, n in bufs)), len(bufs)

    # Thin wrappers returning (errno, value).
    def open(self, path, oflags=0, rights=FD_READ | FD_WRITE, dirfd=PREOPEN_FD, lookup=FOLLOW, fdflags=0):
        p, n = self.path(path)
        out = self.alloc(4)
        err = self.call("path_open", dirfd, lookup, p, n, oflags, rights, 0, fdflags, out)
        return err, self.u32(out)

    def write(self, fd, data: bytes):
        buf = self.put(data)
        iov, cnt = self.iovecs((buf, len(data)))
        out = self.alloc(4)
        return self.call("fd_write", fd, iov, cnt, out), self.u32(out)

    def read_fd(self, fd, n: int):
        buf = self.alloc(n)
        iov, cnt = self.iovecs((buf, n))
        out = self.alloc(4)
        err = self.call("fd_read", fd, iov, cnt, out)
        return err, self.read(buf, self.u32(out))

    def stat(self, path, lookup=FOLLOW):
        p, n = self.path(path)
        out = self.alloc(64)
        err = self.call("path_filestat_get", PREOPEN_FD, lookup, p, n, out)
        return err, parse_filestat(self.read(out, 64))

    def simple(self, name: str, path: str) -> int:
        p, n = self.path(path)
        return self.call(name, PREOPEN_FD, p, n)

    def two_paths(self, name: str, old: str, new: str) -> int:
        op, on = self.path(old)
        np_, nn = self.path(new)
        if name == "path_link":
            return self.call(name, PREOPEN_FD, 0, op, on, PREOPEN_FD, np_, nn)
        if name == "path_symlink":   # (link text, directory, new name)
            return self.call(name, op, on, PREOPEN_FD, np_, nn)
        return self.call(name, PREOPEN_FD, op, on, PREOPEN_FD, np_, nn)

    def readdir(self, fd: int, bufsize: int = 4096, cookie: int = 0):
        buf = self.alloc(bufsize)
        used = self.alloc(4)
        err = self.call("fd_readdir", fd, buf, bufsize, cookie, used)
        return err, self.read(buf, self.u32(used))


def guest_inode(path) -> int:
    """The inode a guest sees for a host file: runtime_c's hash of (st_dev, st_ino); its device is 1."""
    st = os.stat(path)
    mask = (1 << 64) - 1
    x = (st.st_dev * 0x9E3779B97F4A7C15 & mask) ^ st.st_ino
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & mask
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & mask
    return x ^ (x >> 31)


def parse_filestat(b: bytes) -> dict:
    dev, ino, ftype, nlink, size, atim, mtim, ctim = struct.unpack("<QQB7xQQQQQ", b)
    return dict(dev=dev, ino=ino, type=ftype, nlink=nlink, size=size, atim=atim, mtim=mtim, ctim=ctim)


def parse_dirents(b: bytes) -> list[tuple[int, str, int]]:
    """(d_next, name, d_type) of each complete entry."""
    out, off = [], 0
    while off + 24 <= len(b):
        d_next, _ino, namlen, dtype = struct.unpack_from("<QQIB", b, off)
        if off + 24 + namlen > len(b):
            break
        out.append((d_next, b[off + 24:off + 24 + namlen].decode(), dtype))
        off += 24 + namlen
    return out


@pytest.fixture(params=["openat2", "walk"])
def resolver(request):
    previous = lib.wasmc_wasi_use_openat2(request.param == "openat2")
    yield request.param
    lib.wasmc_wasi_use_openat2(previous)


@pytest.fixture
def sandbox(tmp_path, resolver):
    """A preopened directory `root` (guest "/sandbox") beside a `secret` file and directory it must
    never reach."""
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret").write_text("secret")
    (tmp_path / "outside").mkdir()
    g = Guest(WasiConfig(argv=["prog"], preopens=[(str(root), "/sandbox")]))
    yield g, root, tmp_path
    g.close()


def outside_untouched(tmp: os.PathLike) -> bool:
    return (sorted(os.listdir(tmp)) == ["outside", "root", "secret"] and os.listdir(os.path.join(tmp, "outside")) == []
            and open(os.path.join(tmp, "secret")).read() == "secret")


# ---- the import table and the Python side ----

def test_import_table_lists_every_preview1_function_with_its_type():
    functions = Wasi.functions()
    assert len(functions) == 46 + 11   # preview1, then the WasmEdge socket extension (tests/net)
    assert functions["fd_write"][1] == "iiii_i"
    assert functions["proc_exit"][1] == "i_"
    assert functype_of(functions["path_open"][1]) == FuncType((I32,) * 5 + (I64, I64, I32, I32), (I32,))
    assert functype_of("_i") == FuncType((), (I32,))
    assert len({address for address, _ in functions.values()}) == len(functions)
    for name, (address, sig) in functions.items():
        assert address != 0 and Wasi.lookup(name) == (address, functype_of(sig))
    assert Wasi.lookup("sock_open_v2") is None
    assert MODULE == "wasi_snapshot_preview1"


def test_bad_preopen_raises_with_the_reason(tmp_path):
    with pytest.raises(OSError, match="cannot open preopened directory .*missing"):
        Wasi(WasiConfig(preopens=[(str(tmp_path / "missing"), "/")]))


# ---- args, environ, clocks, random ----

def test_args_and_environ_layout():
    g = Guest(WasiConfig(argv=["prog.wasm", "héllo", ""], env=[("A", "1"), ("PATH", "/bin:/usr/bin")]))
    try:
        for sizes, get, expect in (("args_sizes_get", "args_get", [b"prog.wasm", "héllo".encode(), b""]),
                                   ("environ_sizes_get", "environ_get", [b"A=1", b"PATH=/bin:/usr/bin"])):
            count, size = g.alloc(4), g.alloc(4)
            assert g.call(sizes, count, size) == ESUCCESS
            assert g.u32(count) == len(expect)
            assert g.u32(size) == sum(len(s) + 1 for s in expect)
            ptrs, buf = g.alloc(4 * len(expect)), g.alloc(g.u32(size))
            assert g.call(get, ptrs, buf) == ESUCCESS
            assert g.read(buf, g.u32(size)) == b"".join(s + b"\0" for s in expect)
            for i, s in enumerate(expect):
                assert g.read(g.u32(ptrs + 4 * i), len(s) + 1) == s + b"\0"
        assert g.call("args_get", PAGE - 4, 0) == EFAULT
        assert g.call("args_sizes_get", 0, PAGE - 3) == EFAULT
    finally:
        g.close()


def test_clocks():
    g = Guest(WasiConfig())
    try:
        out = g.alloc(8)
        assert g.call("clock_time_get", 0, 0, out) == ESUCCESS
        assert abs(g.u64(out) / 1e9 - time.time()) < 5
        assert g.call("clock_time_get", 1, 1, out) == ESUCCESS
        t1 = g.u64(out)
        time.sleep(0.01)
        g.call("clock_time_get", 1, 1, out)
        assert g.u64(out) - t1 >= 10_000_000
        for clock in (0, 1):
            assert g.call("clock_res_get", clock, out) == ESUCCESS and g.u64(out) > 0
        for clock in (2, 3):   # wasmtime refuses the CPU-time clocks with EBADF
            assert g.call("clock_time_get", clock, 0, out) == EBADF
            assert g.call("clock_res_get", clock, out) == EBADF
        assert g.call("clock_time_get", 4, 0, out) == EINVAL
        assert g.call("clock_res_get", 1, PAGE - 7) == EFAULT
    finally:
        g.close()


def test_random_get_fills_and_checks_bounds():
    g = Guest(WasiConfig())
    try:
        buf = g.alloc(256)
        assert g.call("random_get", buf, 256) == ESUCCESS
        assert g.read(buf, 256) != bytes(256)
        assert g.call("random_get", PAGE - 10, 11) == EFAULT
        assert g.call("random_get", PAGE, 0) == ESUCCESS
        assert g.call("sched_yield") == ESUCCESS
    finally:
        g.close()


def test_missing_memory_is_efault():
    g = Guest(WasiConfig(argv=["x"]))
    try:
        g.vm.memories = ffi.NULL
        assert g.call("args_sizes_get", 0, 4) == EFAULT
        g.vm.memories = ffi.new("wasmc_memory *[]", [ffi.NULL])
        assert g.call("clock_time_get", 0, 0, 0) == EFAULT
    finally:
        g.close()


# ---- stdio and pipes ----

def test_fd_write_gather_to_a_pipe_is_unbuffered(monkeypatch):
    r, w = os.pipe()
    saved = os.dup(1)
    os.dup2(w, 1)
    g = Guest(WasiConfig())
    try:
        a, b = g.put(b"hello, "), g.put(b"world\n")
        iov, cnt = g.iovecs((a, 7), (b, 6))
        out = g.alloc(4)
        assert g.call("fd_write", 1, iov, cnt, out) == ESUCCESS
        assert g.u32(out) == 7   # as wasmtime: only the first non-empty iovec moves
        assert os.read(r, 100) == b"hello, "   # already in the pipe: no host-side buffer
        assert g.call("fd_write", 1, iov, cnt, PAGE - 2) == EFAULT
        bad, n = g.iovecs((PAGE - 3, 4))
        assert g.call("fd_write", 1, bad, n, out) == EFAULT
        assert g.call("fd_write", 1, PAGE - 4, 1, out) == EFAULT
        assert g.call("fd_write", 99, iov, cnt, out) == EBADF
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(r)
        os.close(w)
        g.close()


def test_stdio_fdstat_and_nonblock_refused_like_wasmtime():
    g = Guest(WasiConfig())
    try:
        out = g.alloc(24)
        for fd in (0, 1, 2):
            assert g.call("fd_fdstat_get", fd, out) == ESUCCESS
            ftype, flags, base = struct.unpack_from("<BxHxxxxQ", g.mem, out)
            assert ftype in (0, 2) and flags & 4 == 0   # unknown or a terminal; never NONBLOCK
            assert base == (FD_READ if fd == 0 else FD_WRITE)
            assert g.call("fd_fdstat_set_flags", fd, 4) == EBADF
        assert g.call("fd_fdstat_get", 7, out) == EBADF
        prestat = g.alloc(8)
        assert g.call("fd_prestat_get", 0, prestat) == EBADF
        assert g.call("fd_seek", 1, 0, 1, g.alloc(8)) in (ESPIPE, ESUCCESS)   # a pipe or a file
    finally:
        g.close()


def test_stdio_fdstat_reports_no_host_flags(tmp_path):
    """wasmtime's stdio has no fs_flags, even when the host's stdout was opened for appending (`>>`)."""
    out_fd = os.open(tmp_path / "out", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    saved = os.dup(1)
    os.dup2(out_fd, 1)
    g = Guest(WasiConfig())
    try:
        out = g.alloc(24)
        assert g.call("fd_fdstat_get", 1, out) == ESUCCESS
        assert struct.unpack_from("<BxH", g.mem, out) == (0, 0)   # unknown type (a file), no APPEND
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(out_fd)
        g.close()


def test_stdio_is_never_closed_by_the_host_side():
    g = Guest(WasiConfig())
    assert g.call("fd_close", 2) == ESUCCESS
    assert g.call("fd_close", 2) == EBADF
    g.close()
    os.fstat(2)   # still open in the process


# ---- files in a preopen ----

def test_prestat_names_the_preopen(sandbox):
    g, _, _ = sandbox
    out = g.alloc(8)
    assert g.call("fd_prestat_get", PREOPEN_FD, out) == ESUCCESS
    assert g.read(out, 8) == struct.pack("<BxxxI", 0, len("/sandbox"))
    name = g.alloc(16)
    assert g.call("fd_prestat_dir_name", PREOPEN_FD, name, 8) == ESUCCESS
    assert g.read(name, 8) == b"/sandbox"
    assert g.call("fd_prestat_dir_name", PREOPEN_FD, name, 3) == ENAMETOOLONG
    assert g.call("fd_prestat_get", PREOPEN_FD + 1, out) == EBADF   # where enumeration stops


def test_file_write_read_seek_pread_pwrite_stat_truncate(sandbox):
    g, root, _ = sandbox
    err, fd = g.open("data.txt", O_CREAT | O_EXCL)
    assert err == ESUCCESS and fd == 4
    assert g.write(fd, b"0123456789") == (ESUCCESS, 10)
    assert (root / "data.txt").read_bytes() == b"0123456789"
    pos = g.alloc(8)
    assert g.call("fd_seek", fd, 2, 0, pos) == ESUCCESS and g.u64(pos) == 2
    assert g.read_fd(fd, 3) == (ESUCCESS, b"234")
    assert g.call("fd_tell", fd, pos) == ESUCCESS and g.u64(pos) == 5
    assert g.call("fd_seek", fd, -1, 2, pos) == ESUCCESS and g.u64(pos) == 9
    assert g.call("fd_seek", fd, 0, 3, pos) == EINVAL
    buf = g.alloc(4)
    iov, n = g.iovecs((buf, 4))
    nread = g.alloc(4)
    assert g.call("fd_pread", fd, iov, n, 6, nread) == ESUCCESS and g.read(buf, g.u32(nread)) == b"6789"
    data = g.put(b"AB")
    iov, n = g.iovecs((data, 2))
    assert g.call("fd_pwrite", fd, iov, n, 0, nread) == ESUCCESS
    assert g.call("fd_tell", fd, pos) == ESUCCESS and g.u64(pos) == 9   # pwrite leaves the offset
    assert (root / "data.txt").read_bytes() == b"AB23456789"
    st = g.alloc(64)
    assert g.call("fd_filestat_get", fd, st) == ESUCCESS
    info = parse_filestat(g.read(st, 64))
    assert info["type"] == REGULAR_FILE and info["size"] == 10 and info["ino"] == guest_inode(root / "data.txt")
    assert info["dev"] == 1   # as wasmtime: one device for everything, the host's is in the inode hash
    assert g.call("fd_filestat_set_size", fd, 4) == ESUCCESS
    assert (root / "data.txt").read_bytes() == b"AB23"
    assert g.call("fd_filestat_set_times", fd, 5_000_000_000, 7_000_000_000, 1 | 4) == ESUCCESS
    assert os.stat(root / "data.txt").st_mtime_ns == 7_000_000_000
    assert g.call("fd_filestat_set_times", fd, 0, 0, 1 | 2) == EINVAL
    assert g.call("fd_sync", fd) == ESUCCESS and g.call("fd_datasync", fd) == ESUCCESS
    assert g.call("fd_advise", fd, 0, 0, 1) == ESUCCESS
    # As wasmtime: fd_allocate is not supported (ENOTSUP = 58) and changes nothing.
    size = os.path.getsize(root / "data.txt")
    assert g.call("fd_allocate", fd, 0, 100) == 58 and os.path.getsize(root / "data.txt") == size
    fdstat = g.alloc(24)
    assert g.call("fd_fdstat_set_flags", fd, 1) == ESUCCESS   # APPEND
    g.call("fd_fdstat_get", fd, fdstat)
    assert struct.unpack_from("<BxH", g.mem, fdstat) == (REGULAR_FILE, 1)
    assert g.call("fd_close", fd) == ESUCCESS
    assert g.call("fd_close", fd) == EBADF


def test_path_open_errnos_match_wasmtime(sandbox):
    g, root, _ = sandbox
    (root / "f").write_text("x")
    (root / "d").mkdir()
    assert g.open("missing", rights=FD_READ)[0] == ENOENT
    assert g.open("f", O_CREAT | O_EXCL)[0] == EEXIST
    assert g.open("f", O_DIRECTORY, rights=FD_READ)[0] == ENOTDIR
    assert g.open("f/", rights=FD_READ)[0] == ENOTDIR
    assert g.open("", rights=FD_READ)[0] == ENOENT
    assert g.open("d", rights=FD_READ | FD_WRITE)[0] == EISDIR
    assert g.open("d", O_DIRECTORY, rights=FD_READ | FD_WRITE)[0] == EISDIR
    assert g.open("new/", O_CREAT)[0] == EISDIR
    err, fd = g.open("d", rights=FD_READ)   # wasmtime opens a directory read-only without O_DIRECTORY
    assert err == ESUCCESS
    assert g.read_fd(fd, 4)[0] == EBADF                     # no byte I/O on directories
    assert g.call("fd_seek", fd, 0, 0, g.alloc(8)) == EBADF
    assert g.open("f", O_TRUNC, rights=FD_WRITE)[0] == ESUCCESS and (root / "f").read_text() == ""
    assert g.open("x", dirfd=PREOPEN_FD + 5)[0] == EBADF
    err, ffd = g.open("f", rights=FD_READ)
    assert g.open("x", dirfd=ffd)[0] == ENOTDIR
    p, n = g.path("f")
    assert g.call("path_open", PREOPEN_FD, 1, p, n, 0, FD_READ, 0, 0, PAGE - 2) == EFAULT
    assert g.call("path_open", PREOPEN_FD, 1, PAGE - 1, 5, 0, FD_READ, 0, 0, g.alloc(4)) == EFAULT


def test_directories_readdir_rename_unlink(sandbox):
    g, root, _ = sandbox
    assert g.simple("path_create_directory", "a") == ESUCCESS
    assert g.simple("path_create_directory", "a") == EEXIST
    assert g.simple("path_create_directory", "a/b/c") == ENOENT
    assert g.simple("path_create_directory", "a/b/") == ESUCCESS
    names = [f"file{i:02d}" for i in range(30)]
    for name in names:
        assert g.open("a/" + name, O_CREAT)[0] == ESUCCESS
    err, dfd = g.open("a", O_DIRECTORY, rights=FD_READ | FD_READDIR)
    assert err == ESUCCESS
    err, raw = g.readdir(dfd)
    entries = parse_dirents(raw)
    assert [e[1] for e in entries[:2]] == [".", ".."]
    assert sorted(e[1] for e in entries[2:]) == sorted(names + ["b"])
    assert [e[0] for e in entries] == list(range(1, len(entries) + 1))
    assert {e[1]: e[2] for e in entries}["b"] == DIRECTORY
    assert {e[1]: e[2] for e in entries}["file00"] == REGULAR_FILE
    # Small buffers: resume from the last complete entry's d_next, as wasi-libc and Go do.
    seen, cookie = [], 0
    while True:
        err, raw = g.readdir(dfd, bufsize=64, cookie=cookie)
        assert err == ESUCCESS
        got = parse_dirents(raw)
        seen += [e[1] for e in got]
        if len(raw) < 64:
            break
        assert got, "64 bytes hold at least one entry"
        cookie = got[-1][0]
    assert seen == [e[1] for e in entries]
    # A cookie from the middle restarts there; one past the end lists nothing.
    assert [e[1] for e in parse_dirents(g.readdir(dfd, cookie=5)[1])] == [e[1] for e in entries[5:]]
    assert g.readdir(dfd, cookie=1000) == (ESUCCESS, b"")
    assert g.readdir(PREOPEN_FD)[0] == ESUCCESS
    # Rename, remove
    assert g.two_paths("path_rename", "a/file00", "a/b/moved") == ESUCCESS
    assert (root / "a/b/moved").exists() and not (root / "a/file00").exists()
    assert g.two_paths("path_rename", "a/nothing", "x") == ENOENT
    assert g.two_paths("path_rename", "a/file01", "a/b") == EISDIR
    assert g.simple("path_remove_directory", "a/b") == ENOTEMPTY
    assert g.simple("path_remove_directory", "a/file01") == ENOTDIR
    assert g.simple("path_unlink_file", "a/b") == EISDIR
    assert g.simple("path_unlink_file", "a/file01/") == ENOTDIR
    assert g.simple("path_unlink_file", "a/b/moved") == ESUCCESS
    assert g.simple("path_remove_directory", "a/b") == ESUCCESS
    assert g.simple("path_unlink_file", "a/b") == ENOENT
    assert g.call("fd_readdir", dfd, 0, 10, 0, PAGE - 1) == EFAULT


def test_symlinks_inside_the_sandbox_work(sandbox):
    g, root, _ = sandbox
    (root / "d").mkdir()
    (root / "d/f").write_text("in")
    assert g.two_paths("path_symlink", "d", "ln") == ESUCCESS   # (target, new)
    assert os.readlink(root / "ln") == "d"
    os.symlink("ln/f", root / "chain")       # a chain of relative links, all inside
    os.symlink("../d/f", root / "d/up")      # `..` that stays inside
    for path in ("ln/f", "chain", "d/up"):
        err, fd = g.open(path, rights=FD_READ)
        assert err == ESUCCESS and g.read_fd(fd, 10) == (ESUCCESS, b"in")
    assert g.open("chain", rights=FD_READ, lookup=0)[0] == ELOOP
    err, st = g.stat("ln", lookup=0)
    assert err == ESUCCESS and st["type"] == SYMBOLIC_LINK
    err, st = g.stat("ln")
    assert err == ESUCCESS and st["type"] == DIRECTORY
    buf, used = g.alloc(64), g.alloc(4)
    p, n = g.path("chain")
    assert g.call("path_readlink", PREOPEN_FD, p, n, buf, 64, used) == ESUCCESS
    assert g.read(buf, g.u32(used)) == b"ln/f"
    assert g.call("path_readlink", PREOPEN_FD, p, n, buf, 2, used) == ESUCCESS and g.u32(used) == 2
    p, n = g.path("d/f")
    assert g.call("path_readlink", PREOPEN_FD, p, n, buf, 64, used) == EINVAL
    assert g.two_paths("path_link", "d/f", "hard") == ESUCCESS
    assert os.stat(root / "hard").st_ino == os.stat(root / "d/f").st_ino
    op, on = g.path("d/f")
    np_, nn = g.path("hard2")
    assert g.call("path_link", PREOPEN_FD, FOLLOW, op, on, PREOPEN_FD, np_, nn) == EINVAL   # as wasmtime
    p, n = g.path("d/f")
    assert g.call("path_filestat_set_times", PREOPEN_FD, FOLLOW, p, n, 0, 3_000_000_000, 4) == ESUCCESS
    assert os.stat(root / "d/f").st_mtime_ns == 3_000_000_000
    p, n = g.path("ln")
    assert g.call("path_filestat_set_times", PREOPEN_FD, 0, p, n, 0, 4_000_000_000, 4) == ESUCCESS
    assert os.lstat(root / "ln").st_mtime_ns == 4_000_000_000


# ---- the sandbox ----

ESCAPES = ["..", "../secret", "../root/../secret", "d/../../secret", "/etc/passwd", "/", "//etc",
           "ln_out/secret", "ln_abs", "ln_abs/passwd", "chain_out", "d/ln_up/secret", "dangling_abs",
           "dangling_rel_out"]


def make_escape_links(root):
    (root / "d").mkdir()
    os.symlink("..", root / "ln_out")
    os.symlink("/etc", root / "ln_abs")
    os.symlink("ln_out/secret", root / "chain_out")
    os.symlink("../..", root / "d/ln_up")
    os.symlink("/nonexistent/x", root / "dangling_abs")
    os.symlink("../newfile", root / "dangling_rel_out")


@pytest.mark.parametrize("path", ESCAPES)
def test_escapes_fail_with_eperm_and_touch_nothing(sandbox, path):
    g, root, tmp = sandbox
    make_escape_links(root)
    assert g.open(path, rights=FD_READ)[0] == EPERM
    assert g.open(path, O_CREAT, rights=FD_READ | FD_WRITE)[0] in (EPERM, EISDIR)
    assert g.open(path, O_CREAT | O_TRUNC, rights=FD_WRITE)[0] in (EPERM, EISDIR)
    assert g.stat(path)[0] == EPERM
    assert g.simple("path_create_directory", path + "/newdir") in (EPERM, ENOTDIR, ENOENT)
    assert g.simple("path_unlink_file", path + "/x") in (EPERM, ENOTDIR, ENOENT)
    assert outside_untouched(tmp)


@pytest.mark.parametrize("target", ["../escaped", "../outside/escaped", "/tmp/escaped", "ln_out/escaped",
                                    "d/ln_up/escaped"])
def test_rename_link_symlink_out_of_the_sandbox_fail(sandbox, target):
    g, root, tmp = sandbox
    make_escape_links(root)
    (root / "mine").write_text("mine")
    assert g.two_paths("path_rename", "mine", target) == EPERM
    assert g.two_paths("path_link", "mine", target) == EPERM
    assert g.two_paths("path_symlink", "mine", target) == EPERM
    assert g.simple("path_create_directory", target) == EPERM
    assert g.two_paths("path_rename", target, "stolen") == EPERM
    assert g.two_paths("path_link", target, "stolen") == EPERM
    assert (root / "mine").read_text() == "mine" and not (root / "stolen").exists()
    assert outside_untouched(tmp)
    assert not os.path.exists("/tmp/escaped")


def test_absolute_symlinks_cannot_be_created_or_read(sandbox):
    g, root, tmp = sandbox
    assert g.two_paths("path_symlink", "/etc/passwd", "abs") == EPERM
    os.symlink("/etc/passwd", root / "abs")
    buf, used = g.alloc(64), g.alloc(4)
    p, n = g.path("abs")
    assert g.call("path_readlink", PREOPEN_FD, p, n, buf, 64, used) == EPERM
    # A relative link may say anything; following it is what is checked.
    assert g.two_paths("path_symlink", "../secret", "rel") == ESUCCESS
    assert g.open("rel", rights=FD_READ)[0] == EPERM
    assert g.stat("rel", lookup=0)[0] == ESUCCESS
    assert g.simple("path_unlink_file", "rel") == ESUCCESS   # removes the link, not the target
    assert outside_untouched(tmp)


def test_hard_link_of_a_symlink_pointing_out_stays_a_link(sandbox):
    g, root, tmp = sandbox
    make_escape_links(root)
    assert g.two_paths("path_link", "ln_abs", "copy") == ESUCCESS
    assert os.readlink(root / "copy") == "/etc"
    assert g.open("copy/passwd", rights=FD_READ)[0] == EPERM
    assert outside_untouched(tmp)


def test_dot_paths_stay_inside(sandbox):
    g, root, _ = sandbox
    (root / "d").mkdir()
    err, st = g.stat(".")
    assert err == ESUCCESS and st["ino"] == guest_inode(root)
    err, st = g.stat("d/..")
    assert err == ESUCCESS and st["ino"] == guest_inode(root)
    assert g.stat("..")[0] == EPERM
    assert g.simple("path_create_directory", "d/..") == EEXIST
    assert g.open("d/./../d/", O_DIRECTORY, rights=FD_READ)[0] == ESUCCESS


def test_nul_in_path_is_einval(sandbox):
    g, _, _ = sandbox
    assert g.open(b"a\0b", rights=FD_READ)[0] == EINVAL


# ---- renumber, poll_oneoff, sockets ----

def test_fd_renumber(sandbox):
    g, root, _ = sandbox
    (root / "a").write_text("A")
    (root / "b").write_text("B")
    _, fa = g.open("a", rights=FD_READ)
    _, fb = g.open("b", rights=FD_READ)
    assert g.call("fd_renumber", fa, fb) == ESUCCESS
    assert g.read_fd(fb, 1) == (ESUCCESS, b"A")
    assert g.read_fd(fa, 1)[0] == EBADF
    assert g.call("fd_renumber", fa, fb) == EBADF


def clock_sub(userdata: int, timeout_ns: int, clock: int = 1, flags: int = 0) -> bytes:
    return struct.pack("<QB7xIxxxxQQH6x", userdata, 0, clock, timeout_ns, 1000, flags)


def fd_sub(userdata: int, fd: int, tag: int = 1) -> bytes:
    return struct.pack("<QB7xI28x", userdata, tag, fd)


def poll(g: Guest, *subs: bytes):
    inp = g.put(b"".join(subs))
    out = g.alloc(32 * len(subs))
    nev = g.alloc(4)
    err = g.call("poll_oneoff", inp, out, len(subs), nev)
    events = [struct.unpack_from("<QHBxxxxxQH", g.mem, out + 32 * i) for i in range(g.u32(nev))]
    return err, events   # (userdata, error, type, nbytes, flags)


def test_poll_oneoff_relative_clock_sleeps():
    g = Guest(WasiConfig())
    try:
        start = time.monotonic()
        err, events = poll(g, clock_sub(7, 50_000_000))
        elapsed = time.monotonic() - start
        assert err == ESUCCESS and events == [(7, 0, 0, 0, 0)]
        assert 0.045 <= elapsed < 0.5
        now = g.alloc(8)
        g.call("clock_time_get", 1, 0, now)
        start = time.monotonic()
        err, events = poll(g, clock_sub(8, g.u64(now) + 30_000_000, flags=1))   # absolute
        assert err == ESUCCESS and events[0][0] == 8 and 0.025 <= time.monotonic() - start < 0.5
        err, events = poll(g, clock_sub(9, 0))
        assert err == ESUCCESS and events == [(9, 0, 0, 0, 0)]
        # Only realtime and monotonic clocks: anything else fails the whole call, as under wasmtime.
        for clock in (2, 3, 9):
            assert poll(g, clock_sub(1, 0, clock=clock))[0] == EINVAL
        assert g.call("poll_oneoff", 0, 0, 0, g.alloc(4)) == EINVAL
        assert g.call("poll_oneoff", PAGE - 40, 0, 1, g.alloc(4)) == EFAULT
    finally:
        g.close()


def test_poll_oneoff_fd_readiness(sandbox):
    g, root, _ = sandbox
    # A regular file is always ready, with nbytes 1 as under wasmtime (HANGUP at its end); the clock
    # does not fire.
    (root / "f").write_bytes(b"12345")
    _, ffd = g.open("f", rights=FD_READ)
    err, events = poll(g, fd_sub(1, ffd), clock_sub(2, 1_000_000_000))
    assert err == ESUCCESS and events == [(1, 0, 1, 1, 0)]
    g.read_fd(ffd, 5)
    err, events = poll(g, fd_sub(1, ffd), clock_sub(2, 1_000_000_000))
    assert err == ESUCCESS and events == [(1, 0, 1, 1, 1)]
    # A closed fd, a directory, or stdio the wrong way round fails the whole call with EBADF, as under
    # wasmtime.
    for sub in (fd_sub(3, 77), fd_sub(3, PREOPEN_FD), fd_sub(3, PREOPEN_FD, tag=2), fd_sub(3, 1), fd_sub(3, 0, tag=2)):
        assert poll(g, sub, clock_sub(2, 1_000_000_000))[0] == EBADF


def test_sock_accept_recv_send_shutdown():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    g = Guest(WasiConfig())
    try:
        # Put the listening socket into the guest's table at fd 0's place via renumber: stdio is the only
        # host-provided way in, so borrow fd 0 for the test.
        saved = os.dup(0)
        os.dup2(listener.fileno(), 0)
        try:
            client = socket.create_connection(listener.getsockname())
            err, events = poll(g, fd_sub(5, 0), clock_sub(6, 2_000_000_000))
            assert err == ESUCCESS and events[0][:3] == (5, 0, 1)
            out = g.alloc(4)
            assert g.call("sock_accept", 0, 0, out) == ESUCCESS
            conn = g.u32(out)
            fdstat = g.alloc(24)
            g.call("fd_fdstat_get", conn, fdstat)
            assert g.mem[fdstat] == b"\x06"   # SOCKET_STREAM
            client.sendall(b"ping")
            buf = g.alloc(16)
            iov, n = g.iovecs((buf, 16))
            got, flags = g.alloc(4), g.alloc(4)
            assert g.call("sock_recv", conn, iov, n, 0, got, flags) == ESUCCESS
            assert g.read(buf, g.u32(got)) == b"ping"
            data = g.put(b"pong")
            iov, n = g.iovecs((data, 4))
            assert g.call("sock_send", conn, iov, n, 0, got) == ESUCCESS and g.u32(got) == 4
            assert client.recv(4) == b"pong"
            assert g.call("sock_shutdown", conn, 2) == ESUCCESS
            assert client.recv(4) == b""
            assert g.call("sock_shutdown", conn, 0) == EINVAL
            assert g.call("fd_close", conn) == ESUCCESS
            client.close()
        finally:
            os.dup2(saved, 0)
            os.close(saved)
    finally:
        listener.close()
        g.close()


# ---- tests/programs/c under our WASI, compared with wasmtime's ----
# Until the compiler runs these itself, wasmtime executes the code and our C functions serve its WASI
# imports (a vmctx whose memory 0 is wasmtime's memory); `wasmtime` alone gives the expected output.
# Each run is a subprocess so stdio are real pipes, as under a real host.

PROGRAMS = Path(__file__).resolve().parents[1] / "programs" / "c"

RUNNER = r'''
import ctypes, os, sys, wasmtime
mode, wasm, workdir = sys.argv[1:4]
argv = [os.path.basename(wasm)] + sys.argv[4:]
env = [("HOME", "/home/guest"), ("A", "b")]
engine = wasmtime.Engine()
store = wasmtime.Store(engine)
module = wasmtime.Module.from_file(engine, wasm)
linker = wasmtime.Linker(engine)
if mode == "wasmtime":
    linker.define_wasi()
    cfg = wasmtime.WasiConfig()
    cfg.inherit_stdin(); cfg.inherit_stdout(); cfg.inherit_stderr()
    cfg.argv, cfg.env = argv, env
    cfg.preopen_dir(workdir, "/work")
    store.set_wasi(cfg)
else:
    from wasmc._rt import ffi, lib
    from wasmc.wasi import Wasi, WasiConfig
    lib.wasmc_wasi_use_openat2(mode != "wasmc-walk")
    wasi = Wasi(WasiConfig(argv=argv, env=env, preopens=[(workdir, "/work")]))
    memory = ffi.new("wasmc_memory *")
    memories = ffi.new("wasmc_memory *[]", [memory])
    vm = ffi.new("wasmc_vmctx *")
    vm.memories, vm.host = memories, wasi.state
    class Exit(Exception):
        pass
    def bind(name, fn):
        def host(caller, *args):
            mem = caller["memory"]
            memory.base = ffi.cast("uint8_t *", ctypes.cast(mem.data_ptr(caller), ctypes.c_void_p).value)
            memory.size = mem.data_len(caller)
            if name == "proc_exit":   # wasmc_exit long-jumps; here the exit unwinds as a Python exception
                raise Exit(args[0])
            return fn(vm, *args)
        return host
    for imp in module.imports:
        if imp.module == "wasi_snapshot_preview1":
            linker.define_func(imp.module, imp.name, imp.type, bind(imp.name, getattr(lib, "wasmc_wasi_" + imp.name)),
                               access_caller=True)
instance = linker.instantiate(store, module)
code = 0
try:
    instance.exports(store)["_start"](store)
except wasmtime.ExitTrap as e:
    code = e.code
except wasmtime.Trap:
    code = 134
except Exception as e:
    exit_exc = e
    while exit_exc is not None and type(exit_exc).__name__ != "Exit":
        exit_exc = exit_exc.__cause__ or exit_exc.__context__
    if exit_exc is None:
        raise
    code = exit_exc.args[0]
sys.stdout.flush()
os._exit(code)
'''

CASES = [
    ("hello", ["one", "two words"], b""),
    ("files", ["/work"], b""),
    ("dirs", ["/work"], b""),
    ("clock_sleep", [], b""),
    ("stdin_echo", [], b"alpha\nbeta\n\ngamma"),
    ("exit_code", ["7"], b""),
    ("random_env", [], b""),
    ("errnos", [], b""),
    ("rights", [], b""),
    ("slashes", [], b""),
    ("fdkinds", [], b"hello world\n"),
    ("inodes", [], b""),
]


@pytest.fixture(scope="session")
def c_programs(tmp_path_factory):
    """tests/programs/c compiled once per session with zig cc."""
    pytest.importorskip("wasmtime")
    out = tmp_path_factory.mktemp("c_programs")
    built = {}
    for name, _, _ in CASES:
        wasm = out / f"{name}.wasm"
        result = subprocess.run([sys.executable, "-m", "ziglang", "cc", "--target=wasm32-wasi", "-O2",
                                 str(PROGRAMS / f"{name}.c"), "-o", str(wasm)], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"zig cc unavailable or failed: {result.stderr[-500:]}")
        built[name] = wasm
    return built


def run_program(mode: str, wasm: Path, args: list[str], stdin: bytes, workdir: Path):
    result = subprocess.run([sys.executable, "-c", RUNNER, mode, str(wasm), str(workdir), *args], input=stdin,
                            capture_output=True, timeout=60, env={**os.environ, "RUST_BACKTRACE": "0"})
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("name,args,stdin", CASES, ids=[c[0] for c in CASES])
def test_c_program_matches_wasmtime(c_programs, tmp_path, name, args, stdin):
    results = []
    for mode in ("wasmtime", "wasmc", "wasmc-walk"):
        workdir = tmp_path / mode
        workdir.mkdir()
        results.append(run_program(mode, c_programs[name], args, stdin, workdir))
        assert os.listdir(workdir) == []   # every program cleans up after itself
    expected = results[0]
    for got in results[1:]:
        assert got[0] == expected[0], got[2].decode(errors="replace")
        assert got[1].decode() == expected[1].decode()
        assert got[2].decode() == expected[2].decode()
