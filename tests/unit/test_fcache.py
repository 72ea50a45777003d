"""The function-level code cache (wasmc/fcache/): functions shared between modules by their canonical
form, each module linking them with its own callees, constants and data addresses; corrupted entries
compiled again; concurrent compiles; tiered builds upgraded in the background."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import wasmc
from wasmc import cache
from wasmc.compile import function_cache_usable, tier
from wasmc.fcache import pipeline, store
from wasmc.wasm.decode import decode_module
from wasmc.wasm.validate import validate_module

wat2wasm = pytest.importorskip("wasmtime").wat2wasm
pytestmark = pytest.mark.skipif(not function_cache_usable(), reason="needs x86-64 and ld.gold or ld.lld")


def _bytes(value: int) -> str:
    return "".join(f"\\{b:02x}" for b in value.to_bytes(4, "little"))


def module(callee_at: int, callee_data: int, data_at: int, data: int, constant: int, swap: bool,
           pad: int = 99) -> bytes:
    """`f` and its callees have the same bodies in every variant (small: -O2 copies them into f for
    inlining); which function index `f` calls, what they load and what `f` adds differ."""
    helpers = [f"(func $callee (result i32) (i32.load (i32.const {callee_at})))",
               f"(func $pad (result i32) (i32.const {pad}))"]
    if swap:
        helpers.reverse()                    # the callee's function index differs between variants
    return bytes(wat2wasm(f"""(module
      (memory 4)
      (data (i32.const {data_at}) "{_bytes(data)}")
      (data (i32.const {callee_at}) "{_bytes(callee_data)}")
      {' '.join(helpers)}
      (func $h (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "f") (result i32)
        (i32.add (i32.add (call $callee) (call $h (i32.const {data_at})))
                 (i32.const {constant}))))"""))


A = module(callee_at=200_000, callee_data=1, data_at=100_000, data=7, constant=70_000, swap=False)
B = module(callee_at=210_000, callee_data=5, data_at=130_000, data=11, constant=90_000, swap=True, pad=98)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("WASMC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def keys(data: bytes, level: int) -> dict[str, str]:
    m = decode_module(data)
    p = pipeline.plan(m, pipeline.forms_of(m, validate_module(m)), tier(level, host_cpu=True))
    return {m.func_name(m.num_imported_funcs + d): key for d, key in enumerate(p.keys)}


@pytest.mark.parametrize("level", [0, 2])
def test_a_shared_body_links_with_each_modules_numbers(fresh_cache, level):
    a, b = keys(A, level), keys(B, level)
    assert a["f"] == b["f"] and a["callee"] == b["callee"] and a["h"] == b["h"], "forms depend on numbers"
    assert a["pad"] != b["pad"]
    assert wasmc.Instance(wasmc.Module(A, level), {}).exports["f"]() == 1 + 7 + 70_000
    assert cache.recent_compiles()[-1]["hits"] == {}
    assert wasmc.Instance(wasmc.Module(B, level), {}).exports["f"]() == 5 + 11 + 90_000
    last = cache.recent_compiles()[-1]
    assert last["hits"] == {str(level): 3} and last["compiled"] == 1     # f, callee and h shared; pad not


def _entry_of(data: bytes, level: int, name: str) -> Path:
    key = keys(data, level)[name]
    return Path(store.functions_dir()) / key[:2] / key


def _damage(path: Path, how: str) -> None:
    raw = bytearray(path.read_bytes())
    if how == "flip":
        raw[len(raw) // 2] ^= 0x40
    else:
        del raw[len(raw) // 3:]
    path.write_bytes(bytes(raw))


SHARED = ("f", "callee", "h")     # what A and B share


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_damaged_entry_is_compiled_again(fresh_cache, damage):
    wasmc.Module(A, 0)
    for name in SHARED:
        _damage(_entry_of(A, 0, name), damage)
    assert all(store.lookup(keys(A, 0)[name]) is None for name in SHARED)
    # B shares them: its compile must find their entries damaged, compile them again and mend the cache.
    assert wasmc.Instance(wasmc.Module(B, 0), {}).exports["f"]() == 5 + 11 + 90_000
    assert cache.recent_compiles()[-1]["compiled"] == 4          # the three again, and pad
    assert all(store.lookup(keys(A, 0)[name]) is not None for name in SHARED)


def test_an_intact_pack_serves_a_member_whose_entry_is_damaged(fresh_cache):
    """A compile that reads a pack for one function links its other members from it without reading
    their entries: the pack is verified, and it is where a member's code is."""
    wasmc.Module(A, 0)
    _damage(_entry_of(A, 0, "f"), "flip")
    assert wasmc.Instance(wasmc.Module(B, 0), {}).exports["f"]() == 5 + 11 + 90_000
    assert cache.recent_compiles()[-1]["compiled"] == 1          # pad only: f came with callee's pack


def test_concurrent_compiles_of_overlapping_modules(fresh_cache):
    script = ("import sys, wasmc; m = wasmc.Module(open(sys.argv[1], 'rb').read(), 0); "
              "print(wasmc.Instance(m, {}).exports['f']())")
    files = []
    for name, data in (("a.wasm", A), ("b.wasm", B)):
        (fresh_cache.parent / name).write_bytes(data)
        files.append(str(fresh_cache.parent / name))
    procs = [subprocess.Popen([sys.executable, "-c", script, f], stdout=subprocess.PIPE, text=True)
             for f in files * 2]
    outputs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4
    assert outputs == [str(1 + 7 + 70_000), str(5 + 11 + 90_000)] * 2
    files = [p for p in Path(store.functions_dir()).glob("*/*") if not p.name.startswith(".")]
    packs = [p for p in files if p.name.endswith(store.PACK_SUFFIX)]
    entries = [p for p in files if p not in packs]
    assert entries and all(store.lookup(p.name) is not None for p in entries)
    assert packs and all(store.read_pack(p.name) is not None for p in packs)
    assert not list(Path(store.functions_dir()).glob("*/*.tmp"))


def test_functions_share_a_pack_and_a_module_links_only_some_of_it(fresh_cache):
    # A's four functions are compiled into one object; B links that pack for the three it shares and
    # carries A's `pad` (B's own differs) as dead code, its placeholders bound to nothing.
    assert wasmc.Instance(wasmc.Module(A, 0), {}).exports["f"]() == 1 + 7 + 70_000
    packs = list(Path(store.functions_dir()).glob(f"*/*{store.PACK_SUFFIX}"))
    assert len(packs) == 1 and len(store.read_pack(packs[0].name).members) == 4
    assert wasmc.Instance(wasmc.Module(B, 0), {}).exports["f"]() == 5 + 11 + 90_000
    assert cache.recent_compiles()[-1]["compiled"] == 1


def test_a_damaged_pack_is_a_miss_for_all_its_functions(fresh_cache):
    wasmc.Module(A, 0)
    pack = next(Path(store.functions_dir()).glob(f"*/*{store.PACK_SUFFIX}"))
    raw = bytearray(pack.read_bytes())
    raw[-1] ^= 0x40
    pack.write_bytes(bytes(raw))
    assert all(store.lookup(key) is None for key in keys(A, 0).values())
    assert wasmc.Instance(wasmc.Module(B, 0), {}).exports["f"]() == 5 + 11 + 90_000
    assert cache.recent_compiles()[-1]["compiled"] == 4


def test_tiered_module_is_upgraded_in_the_background(fresh_cache, monkeypatch):
    monkeypatch.setenv("WASMC_TIERS", "1")
    optimized = cache.modules_dir() / f"{cache.module_key(A, 2, host_cpu=True)}.so"
    assert wasmc.Instance(wasmc.Module(A), {}).exports["f"]() == 1 + 7 + 70_000     # tiered by default
    deadline = time.monotonic() + 300
    while not optimized.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert optimized.exists(), "the background -O2 build did not finish"
    assert wasmc.Instance(wasmc.Module(A), {}).exports["f"]() == 1 + 7 + 70_000
    queue = cache.cache_root() / "tier-up"
    deadline = time.monotonic() + 30
    while list(queue.glob("*.wasm")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not list(queue.glob("*.wasm"))


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling policies")
def test_the_background_worker_takes_only_idle_cpu():
    """Started in a session of its own, as tiers._spawn_worker starts it: where the kernel groups by
    session, only its session group's nice and its scheduling policy keep it off the user's cores."""
    probe = ("import os; from wasmc.tier_worker import background_priority; background_priority(); "
             "group = open('/proc/self/autogroup').read().split()[-1] if os.path.exists('/proc/self/autogroup') "
             "else '19'; print(os.sched_getscheduler(0) == os.SCHED_IDLE, os.nice(0), group)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, start_new_session=True,
                         check=True).stdout.split()
    assert out == ["True", "19", "19"]


def test_functions_without_a_form_still_compile(fresh_cache):
    # A body naming an index the module lacks has no canonical form; the module is rejected as invalid.
    bad = bytes(wat2wasm("(module (func (export \"f\") (result i32) (i32.const 1)))"))
    assert wasmc.Instance(wasmc.Module(bad, 0), {}).exports["f"]() == 1
    assert os.path.isdir(store.functions_dir())


def test_64_bit_memories_and_tables_are_keyed_apart():
    """`memory.size` is the same bytes for a 32- and a 64-bit memory but not the same code: the forms'
    shared prefix says which address types the module has, and only when one is 64-bit."""
    from wasmc.fcache.canonical import module_prefix
    body = "(func (export \"f\") (drop (memory.size)) (drop (table.size)))"
    plain, mem64, table64 = (decode_module(bytes(wat2wasm(f"(module {decl} {body})")))
                             for decl in ("(memory 1) (table 1 funcref)", "(memory i64 1) (table 1 funcref)",
                                          "(memory 1) (table i64 1 funcref)"))
    assert b"addr64" not in module_prefix(plain)
    assert len({module_prefix(m) for m in (plain, mem64, table64)}) == 3


@pytest.mark.parametrize("level", [0, 1, 2])
def test_placeholder_constants_keep_their_values_through_folding(fresh_cache, level):
    """Constants made placeholders, added to, stored, returned and picked by a switch: an optimizer that
    folds `placeholder + 8` must not turn the absolute value into an address (Go's return PCs)."""
    data = bytes(wat2wasm("""(module (memory 1)
      (func (export "sum32") (result i32) (i32.add (i32.const 100000) (i32.const 8)))
      (func (export "sum64") (result i64) (i64.add (i64.const 300000) (i64.const 8)))
      (func (export "stored") (result i64)
        (i64.store (i32.const 16) (i64.add (i64.const 400000) (i64.const 1)))
        (i64.load (i32.const 16)))
      (func (export "pick") (param i32) (result i64)
        (block (block (block (br_table 0 1 2 (local.get 0)))
          (return (i64.or (i64.const 0x50000) (i64.const 1))))
          (return (i64.const 0x60001)))
        (i64.const 0x70001)))"""))
    exports = wasmc.Instance(wasmc.Module(data, level), {}).exports
    assert (exports["sum32"](), exports["sum64"](), exports["stored"]()) == (100_008, 300_008, 400_001)
    assert [exports["pick"](i) for i in range(3)] == [0x50001, 0x60001, 0x70001]


def _twins(values: list[int], extra: str = "") -> bytes:
    """Functions with one body each but their own constant (Go's identical functions, each with its own
    return addresses), exported as t0, t1, ..."""
    funcs = " ".join(f"(func (export \"t{i}\") (param i64) (result i64) (i64.add (local.get 0) (i64.const {v})))"
                     for i, v in enumerate(values))
    return bytes(wat2wasm(f"(module {extra} {funcs})"))


@pytest.mark.parametrize("level", [0, 2])
def test_identical_bodies_with_their_own_values_share_across_modules(fresh_cache, level):
    """One module binds one object once, so identical bodies with other values get other keys; they are
    numbered in index order, so the next module with the same bodies finds every one."""
    first = _twins([0x100000, 0x200000, 0x300000])
    second = _twins([0x400000, 0x500000, 0x600000], extra="(func (export \"other\") (result i32) (i32.const 3))")
    assert len(set(keys(first, level).values())) == 3
    assert [keys(first, level)[f"t{i}"] for i in range(3)] == [keys(second, level)[f"t{i}"] for i in range(3)]
    exports = wasmc.Instance(wasmc.Module(first, level), {}).exports
    assert [exports[f"t{i}"](1) for i in range(3)] == [0x100001, 0x200001, 0x300001]
    exports = wasmc.Instance(wasmc.Module(second, level), {}).exports
    assert [exports[f"t{i}"](1) for i in range(3)] == [0x400001, 0x500001, 0x600001]
    last = cache.recent_compiles()[-1]
    assert last["hits"] == {str(level): 3} and last["compiled"] == 1


def test_an_address_compared_for_equality_is_a_placeholder(fresh_cache):
    """A constant compared for equality stays literal (switches, sentinels, magic numbers) unless it is an
    i64 where addresses lie: Go compares type descriptors' addresses, which move from one module to the
    next."""
    def compare(value: int, op: str = "eq", ty: str = "i64") -> bytes:
        return bytes(wat2wasm(f"""(module (func (export "f") (param {ty}) (result i32)
          ({ty}.{op} (local.get 0) ({ty}.const {value}))))"""))
    address, other_address, sentinel = compare(0x2f0000), compare(0x310000), compare(0xfffd)
    assert keys(address, 0)["f"] == keys(other_address, 0)["f"] != keys(sentinel, 0)["f"]
    assert keys(compare(0x2f0000, "lt_u"), 0)["f"] != keys(compare(0x310000, "lt_u"), 0)["f"]
    assert keys(compare(0x2f0000, ty="i32"), 0)["f"] != keys(compare(0x310000, ty="i32"), 0)["f"]
    for data, value in ((address, 0x2f0000), (other_address, 0x310000), (sentinel, 0xfffd)):
        f = wasmc.Instance(wasmc.Module(data, 0), {}).exports["f"]
        assert (f(value), f(value + 1)) == (1, 0)


_REAL_COMPILE = pipeline._compile
_DOOMED = 11            # the defined index whose task fails


def _compile_failing_for_the_doomed(chunk):
    """pipeline._compile, failing for the task with _DOOMED (module level: forked workers get it by name)."""
    if _DOOMED in chunk:
        raise RuntimeError("cut short")
    return _REAL_COMPILE(chunk)


def test_a_compile_cut_short_keeps_the_functions_it_finished(fresh_cache, monkeypatch):
    """Each task's packs are stored as it ends: when one task fails (or the compile is interrupted),
    the functions of the tasks that ended are in the cache for the next module."""
    from wasmc.compile import cached_link_inputs
    data = _twins([0x100000 * (i + 1) for i in range(12)])
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_CODE_BYTES", 0)
    monkeypatch.setattr(pipeline, "_compile", _compile_failing_for_the_doomed)
    with pytest.raises(RuntimeError, match="cut short"):
        cached_link_inputs(decode_module(data), 0, jobs=2, host_cpu=True)
    cached = [store.lookup(key) is not None for key in keys(data, 0).values()]
    assert not cached[_DOOMED] and sum(cached) >= 6, cached
