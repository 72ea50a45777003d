"""The network options without a network: how `wasmc run`, `wasmc compile` and GOWASIRUNTIMEARGS read
--tcplisten, --allow-net/--allow-connect/--allow-bind and wasmtime's -S tcplisten/inherit-network, that
grants.py takes exactly the patterns runtime_c/wasi/net.c takes, which WASMC_* variables an executable is
started with, and that the instance image carries the grants."""
from __future__ import annotations

import pytest

from wasmc import cli, flags, gohost, grants, launch
from wasmc._rt import ffi, lib
from wasmc.image import VERSION, WasiGrants, encode_image
from wasmc.wasm.module import Module

# Patterns as net.c reads them; every one without a name to resolve but "localhost" (in /etc/hosts).
GOOD_PATTERNS = ["*", "*:80", "*:*", "127.0.0.1", "127.0.0.1:8080", "127.0.0.1:0-65535", "10.0.0.0/8",
                 "10.0.0.0/8:80-90", "0.0.0.0/0", "[::1]", "[::1]:443", "[fd00::]/8", "[fd00::]/8:1-2", "::1",
                 "fe80::1", "[::ffff:127.0.0.1]:80", "[127.0.0.1]:80", "localhost", "localhost:5000",
                 "unix:/tmp/x.sock", "unix:/tmp/", "unix:/"]
BAD_PATTERNS = ["127.0.0.1:", "127.0.0.1:x", "127.0.0.1:65536", "127.0.0.1:9-8", "127.0.0.1:1-2-3",
                "127.0.0.1:-1", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "[::1]/129", "[::1", "[::1]x",
                "[::1]:", "[::1]:80:90", "[]", ":80", "*/8", "foo/8", "a:b:c/8", "[::1]:0x50", "unix:rel",
                "unix:", "127.0.0.1:8O"]


def c_accepts(pattern: str) -> bool:
    state = lib.wasmc_wasi_new(0, ffi.new("char *[]", [ffi.NULL]), 0, ffi.new("char *[]", [ffi.NULL]), 0,
                               ffi.NULL, ffi.NULL)
    try:
        return lib.wasmc_wasi_grant_net(state, lib.WASMC_NET_CONNECT, pattern.encode()) == 0
    finally:
        lib.wasmc_wasi_free(state)


@pytest.mark.parametrize("pattern", GOOD_PATTERNS + BAD_PATTERNS)
def test_python_takes_the_patterns_c_takes(pattern):
    assert grants.check_pattern(pattern) == c_accepts(pattern) == (pattern in GOOD_PATTERNS)


def test_pattern_lists_and_messages():
    assert grants.parse_patterns("127.0.0.1:80, [::1]", "--allow-net") == ("127.0.0.1:80", "[::1]")
    with pytest.raises(grants.GrantError, match=r"^--allow-bind '10.0.0.0/33': expected \*, ADDR\[:PORTS\]"):
        grants.parse_patterns("127.0.0.1,10.0.0.0/33", "--allow-bind")
    with pytest.raises(grants.GrantError, match="an empty pattern"):
        grants.parse_patterns("127.0.0.1,,::1", "--allow-net")
    with pytest.raises(grants.GrantError, match="a unix: path must be absolute"):
        grants.parse_patterns("unix:x.sock", "--allow-connect")


@pytest.mark.parametrize("spec", ["127.0.0.1:8080", "0.0.0.0:0", "[::1]:80", "localhost:1", "::1:80"])
def test_listen_specs_taken(spec):
    assert grants.parse_listen(spec) == spec


@pytest.mark.parametrize("spec", ["", "127.0.0.1", ":80", "127.0.0.1:", "127.0.0.1:65536", "[::1:80", "[]:80",
                                  "a:1,b:2", "127.0.0.1:http"])
def test_listen_specs_refused(spec):
    with pytest.raises(grants.GrantError, match=r"expected HOST:PORT"):
        grants.parse_listen(spec)


def test_wasi_flags_tcplisten_and_inherit_network():
    f = flags.RunFlags()
    flags.apply(f, "-S", "tcplisten=127.0.0.1:1,inherit-env")
    flags.apply(f, "-S", "tcplisten=[::1]:2")
    assert f.net() == grants.NetGrants(tcplisten=("127.0.0.1:1", "[::1]:2"))
    flags.apply(f, "-S", "inherit-network")
    assert f.net().allow_net == ("*",)
    flags.apply(f, "-S", "inherit-network=n")
    assert f.net().allow_net == ()
    for bad, message in (("tcplisten", "expected HOST:PORT"), ("tcplisten=80", "expected HOST:PORT"),
                         ("inherit-network=maybe", "expected y or n")):
        with pytest.raises(flags.FlagError, match=message):
            flags.apply(flags.RunFlags(), "-S", bad)


def run_params(*args: str) -> dict:
    with cli.run_command.make_context("run", list(args)) as ctx:
        return ctx.params


def test_run_reads_the_network_options():
    p = run_params("--tcplisten", "127.0.0.1:1", "--tcplisten=[::1]:2", "--allow-net", "--allow-net=10.0.0.0/8",
                   "--allow-connect", "localhost:80", "--allow-bind", "127.0.0.1:0", "app.wasm", "--allow-net")
    assert p["tcplisten"] == ("127.0.0.1:1", "[::1]:2")
    assert p["allow_net"] == ("*", "10.0.0.0/8")
    assert p["allow_connect"] == ("localhost:80",) and p["allow_bind"] == ("127.0.0.1:0",)
    assert p["module"].name == "app.wasm" and p["args"] == ("--allow-net",)   # the guest's, untouched


def test_bare_allow_net_never_takes_the_module():
    assert run_params("--allow-net", "app.wasm", "x") == run_params("--allow-net=*", "app.wasm", "x")
    p = run_params("--env", "--allow-net", "app.wasm")      # a value of another option stays one
    assert p["envs"] == ("--allow-net",) and p["allow_net"] == ()


def test_compile_reads_the_network_options():
    with cli.compile_command.make_context("compile", ["app.wasm", "--allow-net", "-o", "app", "--tcplisten",
                                                      "127.0.0.1:1", "--allow-bind", "*:0"]) as ctx:
        p = ctx.params
    assert p["allow_net"] == ("*",) and p["tcplisten"] == ("127.0.0.1:1",) and p["allow_bind"] == ("*:0",)
    assert str(p["output"]) == "app"


def test_gohost_reads_the_network_options():
    opts = gohost.parse_runtime_args("--tcplisten=127.0.0.1:1 --tcplisten [::1]:2 -S tcplisten=127.0.0.1:3 "
                                     "--allow-net --allow-connect=10.0.0.0/8:80 --allow-bind *:0 "
                                     "--allow-net=[::1]")
    assert opts.net() == grants.NetGrants(("127.0.0.1:1", "[::1]:2", "127.0.0.1:3"), ("*", "[::1]"),
                                          ("10.0.0.0/8:80",), ("*:0",))
    assert gohost.parse_runtime_args("-S inherit-network").net().allow_net == ("*",)
    for text, message in (("--tcplisten", "--tcplisten needs a value"),
                          ("--tcplisten=nope", "--tcplisten 'nope': expected HOST:PORT"),
                          ("--allow-connect 10.0.0.0/40", "--allow-connect '10.0.0.0/40': expected"),
                          ("--allow-net=", "--allow-net '': an empty pattern"),
                          ("-S tcplisten=x", "-S tcplisten 'x': expected HOST:PORT")):
        with pytest.raises(gohost.UsageError, match=f"^GOWASIRUNTIMEARGS: {message}"):
            gohost.parse_runtime_args(text)


def test_executable_environment_carries_the_network():
    net = grants.NetGrants(("127.0.0.1:1", "[::1]:2"), ("*",), ("10.0.0.0/8", "localhost:80"), ("*:0",))
    env = launch.runtime_environment(launch.Launch(["app"], {"WASMC_ALLOW_NET": "from the user"}, net=net))
    assert {k: v for k, v in env.items() if k.startswith("WASMC_") and k != "WASMC_INHERIT_ENV"} == {
        "WASMC_TCPLISTEN": "127.0.0.1:1,[::1]:2", "WASMC_ALLOW_NET": "*",
        "WASMC_ALLOW_CONNECT": "10.0.0.0/8,localhost:80", "WASMC_ALLOW_BIND": "*:0"}
    bare = launch.runtime_environment(launch.Launch(["app"], {"WASMC_ALLOW_NET": "*"}))
    assert not any(k.startswith(("WASMC_TCP", "WASMC_ALLOW")) for k in bare)   # nothing granted, none leaks


def test_image_grants_read_back_by_the_runtime():
    """What `wasmc compile` stores, as runtime_c/image.c gives it to main.c: comma-separated lists."""
    net = grants.NetGrants(("127.0.0.1:1", "[::1]:2"), (), ("10.0.0.0/8", "localhost:80"), ("*:0",))
    image = encode_image(Module(), WasiGrants(dirs=(("/d", "/g"),), env=("A=1",), inherit_env=True, net=net))
    assert image[:5] == b"WMCI" + bytes((VERSION,))
    data = ffi.new("uint8_t[]", image)
    code = ffi.new("wasmc_compiled *", {"image": data, "image_size": len(image)})
    g = ffi.new("wasmc_grants *")
    err = ffi.new("char[]", 256)
    assert lib.wasmc_image_grants(code, g, err, 256) == 0, ffi.string(err)

    def text(p):
        return None if p == ffi.NULL else ffi.string(p).decode()
    assert (g.num_dirs, text(g.host_dirs[0]), text(g.guest_dirs[0]), text(g.env[0]), g.inherit_env) == \
        (1, "/d", "/g", "A=1", 1)
    assert text(g.tcplisten) == "127.0.0.1:1,[::1]:2"
    assert [text(g.net[k]) for k in range(3)] == [None, "10.0.0.0/8,localhost:80", "*:0"]
