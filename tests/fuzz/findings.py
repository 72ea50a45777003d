"""Findings on disk and the run's tally: every difference is counted under its signature (category,
detail, level), and only the first few of each signature are saved, as module.wasm and finding.json."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .trace import Difference
from .values import args_to_json

CATEGORIES = ("result", "trap_kind", "trap_vs_none", "host_call", "memory", "global", "table",
              "instantiation", "compile", "exception", "crash", "hang")
BAD_ALWAYS = ("crash", "hang", "exception")        # reported first: the harness's reason to exist


def signature_key(diff: Difference, level: int) -> str:
    return f"{diff.signature}@O{level}"


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:100]


@dataclass
class Tally:
    """The counters of a run, merged from the workers' reports."""
    modules: int = 0               # smith inputs drawn
    smith_failed: int = 0
    invalid: int = 0               # rejected by wasm-tools validate (wasm2 features)
    rejected: int = 0              # rejected by wasmtime
    harness_errors: int = 0        # exceptions in the harness itself (a bug here, not in wasmc)
    run: int = 0                   # compared under both engines
    calls: int = 0                 # reference calls made (each replayed at every level)
    steps_compared: int = 0        # steps compared, over all levels
    nan_allowed: int = 0           # NaN-bit differences the spec allows
    reference_skips: Counter = field(default_factory=Counter)
    modules_differing: int = 0     # modules with a difference at some level
    by_level: Counter = field(default_factory=Counter)            # "O2" -> modules differing
    by_category: Counter = field(default_factory=Counter)         # (category, "O2") -> modules
    by_signature: Counter = field(default_factory=Counter)        # signature key -> modules
    seconds_reference: float = 0.0
    seconds_wasmc: Counter = field(default_factory=Counter)       # "O2" -> seconds

    def as_dict(self) -> dict:
        return {
            "modules": self.modules, "smith_failed": self.smith_failed, "invalid": self.invalid,
            "rejected_by_wasmtime": self.rejected,
            "harness_errors": self.harness_errors, "run": self.run, "calls": self.calls,
            "steps_compared": self.steps_compared, "nan_bits_allowed": self.nan_allowed,
            "reference_skips": dict(self.reference_skips), "modules_differing": self.modules_differing,
            "differing_by_level": dict(self.by_level),
            "differing_by_category": {f"{c}@{lv}": n for (c, lv), n in sorted(self.by_category.items())},
            "signatures": dict(self.by_signature.most_common()),
            "seconds_reference": round(self.seconds_reference, 1),
            "seconds_wasmc": {k: round(v, 1) for k, v in self.seconds_wasmc.items()},
        }


class FindingStore:
    def __init__(self, root: Path, keep: int = 3):
        self.root = root
        self.keep = keep
        self.saved: dict[str, list[Path]] = {}

    def add(self, key: str, diff: Difference, level: int, data: bytes, meta: dict) -> Path | None:
        """Save a finding unless `keep` of its signature are saved already; its directory, or None."""
        saved = self.saved.setdefault(key, [])
        if len(saved) >= self.keep:
            return None
        where = self.root / slug(key) / f"{meta.get('index', len(saved))}"
        where.mkdir(parents=True, exist_ok=True)
        (where / "module.wasm").write_bytes(data)
        info = {"signature": diff.signature, "key": key, "category": diff.category, "detail": diff.detail,
                "level": level, "step": diff.step, "export": None if diff.call is None else diff.call[0],
                "args": None if diff.call is None else args_to_json(diff.call[1]),
                "expected": diff.expected, "actual": diff.actual, **meta}
        (where / "finding.json").write_text(json.dumps(info, indent=2) + "\n")
        saved.append(where)
        return where


def format_summary(tally: Tally, config: dict, seconds: float, shrunk: list[dict]) -> str:
    minutes = seconds / 60
    lines = [f"difffuzz: {tally.run} modules run in {seconds:.0f} s "
             f"({tally.run / minutes if minutes else 0:.0f} modules/min), config: {json.dumps(config)}",
             f"  drawn {tally.modules}, smith failed {tally.smith_failed}, invalid {tally.invalid}, "
             f"rejected by wasmtime {tally.rejected}, harness errors {tally.harness_errors}",
             f"  calls {tally.calls} (steps compared over all levels {tally.steps_compared}), "
             f"NaN-bit differences allowed by the spec {tally.nan_allowed}, "
             f"reference stopped early: {dict(tally.reference_skips) or 'never'}",
             f"  modules with a difference: {tally.modules_differing}"
             + (f" ({100 * tally.modules_differing / tally.run:.1f}%)" if tally.run else "")
             + f"; by level: {dict(sorted(tally.by_level.items())) or '-'}"]
    levels = sorted({lv for _, lv in tally.by_category})
    if levels:
        lines.append("  by category: " + ", ".join(
            f"{c} " + "/".join(f"{tally.by_category[(c, lv)]}" for lv in levels)
            for c in CATEGORIES if any(tally.by_category[(c, lv)] for lv in levels)) + f"  ({'/'.join(levels)})")
    bad = [k for k in tally.by_signature if k.split(":")[0] in BAD_ALWAYS]
    if bad:
        lines.append("  !! crashes, hangs or exceptions: " + ", ".join(f"{k} x{tally.by_signature[k]}" for k in bad))
    lines.append(f"  signatures ({len(tally.by_signature)}):")
    lines += [f"    {n:6d}  {k}" for k, n in tally.by_signature.most_common()]
    for s in shrunk:
        lines.append(f"  shrunk {s['key']}: {s['original_size']} -> {s['size']} bytes "
                     f"({s['predicate_calls']} predicate calls, {s['seconds']:.0f} s): {s['wat']}")
    return "\n".join(lines)
