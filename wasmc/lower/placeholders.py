"""CanonicalEnv: the environment of one function compiled for the function cache (wasmc/fcache/).

Every module-specific number the function's code depends on is a placeholder symbol named after the
function's key, `fn_<key>_p<k>`: callees (a function symbol, `..._direct` for a resumable callee's
direct-call copy), function records and call_indirect type ids (absolute offsets into the vmctx
arrays), and the constants the canonical form made placeholders (absolute values). The object defines
`fn_<key>` (and `fn_<key>_direct`); linking a module binds each placeholder to that module's own value
(fcache/link.py) as `bindings` says.
"""
from __future__ import annotations

from typing import NamedTuple

from ..fcache.canonical import FUNC, FUNCREF, I64, TYPE, Form, folds
from ..metering import NONE, Metering
from ..wasm.module import Module
from .builder import I64 as LLVM_I64
from .builder import LLVM_TYPE, PTR, Block, Value, absolute_symbol_declaration, declare, results_type
from .env import ModuleEnv


class Binding(NamedTuple):
    """What a placeholder symbol stands for. `path`: (k,) is placeholder k of the function's form;
    (k, j) is placeholder j of the callee that placeholder k names (in the copy of a small callee the
    function carries for inlining). `how`: "func" (the function's symbol), "direct" (its direct-call
    copy), "funcref" (its record's offset in vmctx funcrefs), "type" (the offset of the type's id in
    vmctx type_ids), "value" (the constant)."""
    path: tuple[int, ...]
    how: str


class CanonicalEnv(ModuleEnv):
    def __init__(self, module: Module, form: Form, func_idx: int, prefix: str, direct_copies: bool,
                 metering: Metering = NONE, guard_pages: bool = False, absolute_symbols: bool = False):
        super().__init__(module, linkage="hidden", direct_copies=direct_copies, metering=metering,
                         guard_pages=guard_pages)
        self.absolute_symbols = absolute_symbols   # for unoptimized code only: _value says why
        self.form = form
        self.func_idx = func_idx
        self.prefix = prefix                       # "fn_<key>": the names this function's object uses
        self.number = {ph: k for k, ph in enumerate(form.placeholders)}
        self.bindings: dict[str, Binding] = {}     # placeholder symbol -> what it stands for
        self._functions: dict[str, int] = {}       # function symbols referenced -> func_idx
        self._absolute: set[str] = set()           # placeholders read as LLVM absolute symbols

    def _placeholder(self, kind: int, value: int, how: str) -> str:
        k = self.number[(kind, value)]
        name = f"{self.prefix}_p{k}" + ("_direct" if how == "direct" else "")
        self.bindings[name] = Binding((k,), how)
        return name

    # --- the function's own names ---------------------------------------------------------------
    def definition(self, func_idx: int) -> str:
        return self.prefix

    def copy_definition(self, func_idx: int) -> str:
        return self.prefix + "_direct"

    # --- references ----------------------------------------------------------------------------
    def direct_callee(self, func_idx: int) -> str:
        name = self._placeholder(FUNC, func_idx, "func")
        self._functions[name] = func_idx
        return "@" + name

    def direct_copy(self, func_idx: int) -> str:
        name = self._placeholder(FUNC, func_idx, "direct")
        self._functions[name] = func_idx
        return "@" + name

    def _value(self, t, name: str, kind: int, value: int, ty: str, block: Block | None = None) -> Value:
        """A placeholder's value. In unoptimized code (`absolute_symbols`), an absolute symbol where
        canonical.folds says so (Form.key covers which), read once in the entry block: code generation
        then needs no inline asm, and -O0's fast instruction selector, which cannot read absolute
        symbols, is not handed to the slow one for each block that does. Optimized code reads it by an
        instruction of its own: LLVM would fold `symbol + constant` and address the sum RIP-relative, as
        if it were not absolute."""
        if self.absolute_symbols and folds(kind, value):
            self._absolute.add(name)
            return t.once(f"{name} {ty}", lambda: t.b.absolute_symbol(name, ty, t.b.entry))
        return t.b.link_constant(name, ty, wide=kind == I64, block=block)

    def funcref(self, t, func_idx: int, called: bool = False) -> Value:
        kind = FUNC if called else FUNCREF
        name = self._placeholder(kind, func_idx, "funcref")
        return t.b.gep(self._funcrefs(t), self._value(t, name, kind, func_idx, LLVM_I64))

    def type_id(self, t, type_idx: int) -> Value:
        name = self._placeholder(TYPE, type_idx, "type")

        def load() -> Value:
            b = t.b
            slot = b.gep(self._type_ids(t), self._value(t, name, TYPE, type_idx, LLVM_I64, b.entry), block=b.entry)
            return b.load_invariant(LLVM_I64, slot, b.entry)
        return t.once(f"typeid{type_idx}", load)

    def constant(self, t, ty: str, value: int) -> Value:
        k = self.form.consts.get(t.at)
        if k is None:
            return super().constant(t, ty, value)
        kind, bits = self.form.placeholders[k]
        return self._value(t, self._placeholder(kind, bits, "value"), kind, bits, ty)

    # --- what the IR module declares ------------------------------------------------------------------
    def placeholder_declarations(self, defined: set[str]) -> list[str]:
        """Declarations of the placeholder and own symbols referenced but not in `defined`."""
        out = []
        for name, func_idx in sorted(self._functions.items()):
            if name not in defined:
                ft = self.module.func_type(func_idx)
                out.append(declare(results_type([LLVM_TYPE[r] for r in ft.results]), name,
                                   [PTR] + [LLVM_TYPE[p] for p in ft.params]))
        out += [absolute_symbol_declaration(name) for name in sorted(self._absolute)]
        return out

    def own_declaration(self, name: str) -> str:
        """The declaration of one of the function's own symbols, for the IR module that lacks it."""
        ft = self.module.func_type(self.func_idx)
        return declare(results_type([LLVM_TYPE[r] for r in ft.results]), name,
                       [PTR] + [LLVM_TYPE[p] for p in ft.params])

