"""grants.py, flags.py and launch.py without running anything: how --dir, --env, -W and -S are read, what
the guest's environment is, and which WASMC_* variables an executable is started with."""
from __future__ import annotations

import os

import pytest

from wasmc import flags, grants, launch


def test_parse_dir_and_env():
    assert grants.parse_dir("/data") == ("/data", "/data")
    assert grants.parse_dir("/data::/") == ("/data", "/")
    assert grants.parse_dir("rel::/guest") == ("rel", "/guest")
    for bad in ("", "::/x", "/x::"):
        with pytest.raises(grants.GrantError, match="expected HOST or HOST::GUEST"):
            grants.parse_dir(bad)
    assert grants.parse_env("A=1=2") == "A=1=2" and grants.parse_env("HOME") == "HOME"
    for bad in ("", "=x"):
        with pytest.raises(grants.GrantError, match="expected NAME=VALUE or NAME"):
            grants.parse_env(bad)


def test_guest_environment_as_wasmtime_builds_it():
    host = {"HOME": "/home/u", "SHELL": "/bin/sh", "A": "host"}
    assert grants.guest_environment(["A=1", "HOME", "UNSET"], False, host) == {"A": "1", "HOME": "/home/u"}
    assert list(grants.guest_environment(["EXTRA=1"], True, host).items()) == \
        [("HOME", "/home/u"), ("SHELL", "/bin/sh"), ("A", "host"), ("EXTRA", "1")]
    assert grants.guest_environment(["A=mine"], True, host)["A"] == "mine"


def test_process_environment_is_what_the_process_started_with(monkeypatch):
    # Python may add to os.environ (LC_CTYPE under PEP 538); a guest inheriting the environment must not.
    monkeypatch.setenv("WASMC_TEST_ADDED_LATER", "1")
    assert "WASMC_TEST_ADDED_LATER" not in grants.process_environment()
    assert grants.process_environment().get("PATH") == os.environ.get("PATH")


def test_check_directory(tmp_path):
    grants.check_directory(str(tmp_path), "/x")
    with pytest.raises(grants.GrantError, match=f"cannot open preopened directory {tmp_path}/no: No such file"):
        grants.check_directory(str(tmp_path / "no"), "/x")
    (tmp_path / "f").write_text("")
    with pytest.raises(grants.GrantError, match="Not a directory"):
        grants.check_directory(str(tmp_path / "f"), "/x")
    with pytest.raises(grants.GrantError, match="write --dir A::B"):
        grants.check_directory("/no/a:/b", "/no/a:/b")
    with pytest.raises(grants.GrantError, match="--dir /a:b: a path with ':' cannot be passed"):
        grants.check_transportable("/a:b", "/a:b")


def apply(*args: str) -> flags.RunFlags:
    result = flags.RunFlags()
    for group, text in zip(args[::2], args[1::2]):
        flags.apply(result, group, text)
    return result


def test_flags_parse_as_wasmtime_does():
    assert apply("-W", "max-memory-size=0x1_0000,max-wasm-stack=1_000", "-W", "unknown-imports-trap") == \
        flags.RunFlags(1000, 65536, True, False)
    assert apply("-W", "unknown-imports-trap=y", "-W", "unknown-imports-trap=no", "-S", "inherit-env=true") == \
        flags.RunFlags(None, None, False, True)
    assert apply("-W", "fuel=0x10,timeout=10ms").fuel == 16
    assert [apply("-W", f"timeout={text}").timeout_ns for text in ("2", "2s", "3ms", "4us", "4μs", "5ns")] == \
        [2 * 10**9, 2 * 10**9, 3 * 10**6, 4000, 4000, 5]
    for group, text, message in (("-W", "fuel=-1", "-W fuel: expected fuel=N"),
                                 ("-W", "fuel=0x1_0000_0000_0000_0000", "-W fuel=.*: number too large"),
                                 ("-W", "timeout=10m", "-W timeout=10m: failed to parse duration"),
                                 ("-W", "timeout=0.5", "-W timeout=0.5: failed to parse duration"),
                                 ("-W", "simd=n", "-W simd=n: not an option wasmc supports"),
                                 ("-W", "max-memory-size=1M", "expected max-memory-size=N"),
                                 ("-W", "max-wasm-stack=0", "at least one frame"),
                                 ("-S", "inherit-env=2", "expected y or n")):
        with pytest.raises(flags.FlagError, match=message):
            apply(group, text)


def test_runtime_environment():
    config = launch.Launch(["app", "x"], {"A": "1", "WASMC_DIR": "/smuggled"}, [("/h", "/g"), ("/d", "/d")],
                           stack_size=1 << 20, max_memory_size=65536)
    assert launch.runtime_environment(config) == {
        "A": "1", "WASMC_INHERIT_ENV": "1", "WASMC_DIR": "/h::/g:/d::/d", "WASMC_STACK_SIZE": str(1 << 20),
        "WASMC_MAX_MEMORY_SIZE": "65536"}
    assert launch.runtime_environment(launch.Launch(["app"], {})) == {"WASMC_INHERIT_ENV": "1"}
    with pytest.raises(grants.GrantError, match="a path with ':'"):
        launch.runtime_environment(launch.Launch(["app"], {}, [("/a:b", "/x")]))


def test_read_module(tmp_path):
    (tmp_path / "m.wasm").write_bytes(b"\0asm\1\0\0\0")
    assert launch.read_module(tmp_path / "m.wasm") == b"\0asm\1\0\0\0"
    with pytest.raises(launch.ModuleFileError, match="Is a directory"):
        launch.read_module(tmp_path)
    (tmp_path / "t.wat").write_text("(module)")
    with pytest.raises(launch.ModuleFileError, match=r"t.wat is not a WebAssembly module"):
        launch.read_module(tmp_path / "t.wat")
