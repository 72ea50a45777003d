"""Validation: FuncValidator, stepped once per operator, and (from module_checks.py) validate_module, the
module-level checks.

Follows the spec's validation rules and, for function bodies, the operand/control-stack algorithm of
its appendix. Messages start with the spec test suite's words. Decoding is decode.py's, lowering lower/'s.
"""
from __future__ import annotations

from ..errors import DecodeError, ValidationError
from .instr import read_op
from .module import Module
from .module_checks import ModuleInfo, validate_module  # noqa: F401  (validate_module: the entry point)
from .opcodes import ALL_OPS, Op
from .reader import Reader
from .types import FUNCREF, I32, I64, FuncType, GlobalType, TableType, ValType

# The type of an operand left open by the polymorphic stack of unreachable code (the spec's Unknown).
UNKNOWN = None

_EMPTY = FuncType((), ())
_SINGLE = {t: FuncType((), (t,)) for t in ValType}


def _text(t: ValType | None) -> str:
    return "a value" if t is None else t.text


def _mismatch(expected: ValType | None, found: ValType | None | str) -> ValidationError:
    found = found if isinstance(found, str) else _text(found)
    return ValidationError(f"type mismatch: expected {_text(expected)}, found {found}")


# ---------------------------------------------------------------------------------------------------
# Function bodies


def validate_function(m: Module, info: ModuleInfo, func_idx: int) -> None:
    """Type-check one defined function's body on its own, for modules that are not lowered (the
    translator otherwise steps a FuncValidator as it goes). Raises ValidationError or DecodeError."""
    body = m.code[func_idx - m.num_imported_funcs]
    r = Reader(m.data, body.start, body.end)
    v = FuncValidator(m, info, func_idx)
    while r.pos < r.end:
        at = r.pos
        op, imm = read_op(r)
        v.step(op, imm, at)
    if not v.done:
        raise DecodeError("unexpected end of section or function", r.pos)


class Frame:
    """A control-stack entry (the spec appendix's ctrl_frame). `kind` is "func", "block", "loop", "if"
    or "else"; `labels` are the types a branch to it carries."""
    __slots__ = ("kind", "params", "results", "labels", "height", "unreachable")

    def __init__(self, kind: str, params: tuple[ValType, ...], results: tuple[ValType, ...], height: int):
        self.kind = kind
        self.params = params
        self.results = results
        self.labels = params if kind == "loop" else results
        self.height = height
        self.unreachable = False


class FuncValidator:
    """Type-checks one function body, one operator per step() call, in order, including the final `end`.

    `vals` (operand types, None where unknown) and `ctrls` (Frames) are readable by the translator.
    """

    def __init__(self, m: Module, info: ModuleInfo, func_idx: int):
        self.m = m
        self.info = info
        self.func_idx = func_idx
        ft = m.func_type(func_idx)
        self.locals: tuple[ValType, ...] = ft.params + m.code[func_idx - m.num_imported_funcs].locals
        self.vals: list[ValType | None] = []
        self.ctrls: list[Frame] = []
        self.done = False
        self._top: Frame | None = None
        self._push_ctrl("func", (), ft.results)

    def step(self, op: Op, imm, offset: int) -> None:
        """Check one operator. Raises ValidationError, or DecodeError for the binary-format rules that
        only show here (operators after the final `end`, memory.init without a data count section)."""
        try:
            if self.done:
                raise DecodeError("operators remaining after end of function")
            VALIDATORS[op.index](self, imm)
        except (ValidationError, DecodeError) as e:
            raise self.locate(e, offset) from None

    def locate(self, e: ValidationError | DecodeError, offset: int) -> ValidationError | DecodeError:
        """The same error, saying where: this function and the operator's offset."""
        if isinstance(e, ValidationError):
            return ValidationError(e.message, self._where(), offset)
        return DecodeError(e.message, offset)

    def block_type(self, imm) -> FuncType:
        """Resolve a blocktype immediate: None (empty), a ValType (one result) or a type index."""
        if imm is None:
            return _EMPTY
        if type(imm) is ValType:
            return _SINGLE[imm]
        return self._type(imm)

    @property
    def reachable(self) -> bool:
        """False after br, return, unreachable and the like, until the enclosing block ends."""
        top = self._top
        return top is None or not top.unreachable

    def _where(self) -> str:
        name = self.m.func_name(self.func_idx)
        plain = f"func {self.func_idx}"
        return plain if name == plain else f'{plain} "{name}"'

    # The spec appendix's stack primitives.

    def _pop(self, expect: ValType | None) -> ValType | None:
        vals = self.vals
        top = self._top
        if len(vals) == top.height:
            if top.unreachable:
                return UNKNOWN
            raise _mismatch(expect, "nothing")
        actual = vals.pop()
        if actual is not expect and actual is not None and expect is not None:
            raise _mismatch(expect, actual)
        return actual

    def _pop_vals(self, types: tuple[ValType, ...]) -> tuple[ValType | None, ...] | list[ValType | None]:
        n = len(types)
        if not n:
            return types
        vals = self.vals
        if len(vals) - n >= self._top.height and tuple(vals[-n:]) == types:
            del vals[-n:]
            return types
        popped = [self._pop(t) for t in reversed(types)]
        popped.reverse()
        return popped

    def _push_ctrl(self, kind: str, params: tuple[ValType, ...], results: tuple[ValType, ...]) -> None:
        frame = Frame(kind, params, results, len(self.vals))
        self.ctrls.append(frame)
        self._top = frame
        self.vals.extend(params)

    def _pop_ctrl(self) -> Frame:
        frame = self._top
        self._pop_vals(frame.results)
        if len(self.vals) != frame.height:
            extra = " ".join(_text(t) for t in self.vals[frame.height:])
            raise ValidationError(f"type mismatch: values remaining at end of {frame.kind}: {extra}")
        self.ctrls.pop()
        self._top = self.ctrls[-1] if self.ctrls else None
        return frame

    def _set_unreachable(self) -> None:
        top = self._top
        del self.vals[top.height:]
        top.unreachable = True

    def _label(self, depth: int) -> Frame:
        if depth >= len(self.ctrls):
            raise ValidationError(f"unknown label {depth}")
        return self.ctrls[-1 - depth]

    # Index-space checks shared by several operators.

    def _type(self, type_idx: int) -> FuncType:
        if type_idx >= len(self.m.types):
            raise ValidationError(f"unknown type {type_idx}")
        return self.m.types[type_idx]

    def _func_type(self, func_idx: int) -> FuncType:
        m = self.m
        if func_idx >= len(m.func_type_idx):
            raise ValidationError(f"unknown function {func_idx}")
        return m.types[m.func_type_idx[func_idx]]

    def _table_elem(self, table_idx: int) -> ValType:
        return self._table(table_idx).elem

    def _table(self, table_idx: int) -> TableType:
        tables = self.m.table_types
        if table_idx >= len(tables):
            raise ValidationError(f"unknown table {table_idx}")
        return tables[table_idx]

    def _memory_addr(self) -> ValType:
        """The address type of memory 0 (the only one: multiple memories are refused)."""
        if not self.m.memory_types:
            raise ValidationError("unknown memory 0")
        return self.m.memory_types[0].addr

    def _elem_type(self, elem_idx: int) -> ValType:
        elems = self.m.elems
        if elem_idx >= len(elems):
            raise ValidationError(f"unknown elem segment {elem_idx}")
        return elems[elem_idx].elem_type

    def _global(self, global_idx: int) -> GlobalType:
        globals_ = self.m.global_types
        if global_idx >= len(globals_):
            raise ValidationError(f"unknown global {global_idx}")
        return globals_[global_idx]



# Handlers: one per operator name, `handler(v, imm)`. Operators without a fixed stack signature in the
# table are typed by hand below; the rest get a handler from their signature (_fixed), run after any
# index or alignment check (_CHECKS, _memory_access).


def _unreachable(v: FuncValidator, imm) -> None:
    v._set_unreachable()


def _nop(v: FuncValidator, imm) -> None:
    pass


def _block(v: FuncValidator, imm) -> None:
    ft = v.block_type(imm)
    v._pop_vals(ft.params)
    v._push_ctrl("block", ft.params, ft.results)


def _loop(v: FuncValidator, imm) -> None:
    ft = v.block_type(imm)
    v._pop_vals(ft.params)
    v._push_ctrl("loop", ft.params, ft.results)


def _if(v: FuncValidator, imm) -> None:
    ft = v.block_type(imm)
    v._pop(I32)
    v._pop_vals(ft.params)
    v._push_ctrl("if", ft.params, ft.results)


def _else(v: FuncValidator, imm) -> None:
    if v._top.kind != "if":
        raise DecodeError("else without matching if")
    frame = v._pop_ctrl()
    v._push_ctrl("else", frame.params, frame.results)


def _end(v: FuncValidator, imm) -> None:
    frame = v._pop_ctrl()
    # An `if` without `else` has an implicit else that passes its params through.
    if frame.kind == "if" and frame.params != frame.results:
        raise ValidationError(f"type mismatch: if without else must have type [t*] -> [t*], "
                              f"not {FuncType(frame.params, frame.results)}")
    v.vals.extend(frame.results)
    if not v.ctrls:
        v.done = True


def _br(v: FuncValidator, imm) -> None:
    v._pop_vals(v._label(imm).labels)
    v._set_unreachable()


def _br_if(v: FuncValidator, imm) -> None:
    labels = v._label(imm).labels
    v._pop(I32)
    v._pop_vals(labels)
    v.vals.extend(labels)


def _br_table(v: FuncValidator, imm) -> None:
    targets, default = imm
    v._pop(I32)
    default_labels = v._label(default).labels
    arity = len(default_labels)
    for depth in targets:
        labels = v._label(depth).labels
        if len(labels) != arity:
            raise ValidationError(f"type mismatch: br_table targets {depth} and {default} "
                                  f"differ in arity")
        # Push back what was popped, not the label types: in unreachable code each target may
        # constrain an Unknown differently.
        v.vals.extend(v._pop_vals(labels))
    v._pop_vals(default_labels)
    v._set_unreachable()


def _return(v: FuncValidator, imm) -> None:
    v._pop_vals(v.ctrls[0].results)
    v._set_unreachable()


def _call(v: FuncValidator, imm) -> None:
    ft = v._func_type(imm)
    v._pop_vals(ft.params)
    v.vals.extend(ft.results)


def _call_indirect(v: FuncValidator, imm) -> None:
    type_idx, table_idx = imm
    table = v._table(table_idx)
    if table.elem is not FUNCREF:
        raise ValidationError(f"type mismatch: call_indirect through table {table_idx}, "
                              f"which is not a funcref table")
    ft = v._type(type_idx)
    v._pop(table.addr)
    v._pop_vals(ft.params)
    v.vals.extend(ft.results)


def _ref_null(v: FuncValidator, imm) -> None:
    v.vals.append(imm)


def _ref_is_null(v: FuncValidator, imm) -> None:
    t = v._pop(None)
    if t is not None and not t.is_ref:
        raise _mismatch(None, f"{t.text}, not a reference")
    v.vals.append(I32)


def _ref_func(v: FuncValidator, imm) -> None:
    v._func_type(imm)
    if imm not in v.info.declared_funcs:
        raise ValidationError(f"undeclared function reference {imm}")
    v.vals.append(FUNCREF)


def _drop(v: FuncValidator, imm) -> None:
    v._pop(None)


def _select(v: FuncValidator, imm) -> None:
    v._pop(I32)
    t1 = v._pop(None)
    t2 = v._pop(None)
    # Untyped select is for numeric and vector operands only; references need select_t.
    for t in (t1, t2):
        if t is not None and t.is_ref:
            raise _mismatch(None, f"{t.text}; select without a type needs numeric or vector operands")
    if t1 is not t2 and t1 is not None and t2 is not None:
        raise _mismatch(t1, t2)
    v.vals.append(t2 if t1 is None else t1)


def _select_t(v: FuncValidator, imm) -> None:
    if len(imm) != 1:
        raise ValidationError("invalid result arity: select takes exactly one type")
    t = imm[0]
    v._pop(I32)
    v._pop(t)
    v._pop(t)
    v.vals.append(t)


# The local and memory operators are most of a typical body: they inline their checks and pops.

def _local_get(v: FuncValidator, imm) -> None:
    local_types = v.locals
    if imm >= len(local_types):
        raise ValidationError(f"unknown local {imm}")
    v.vals.append(local_types[imm])


def _local_set(v: FuncValidator, imm) -> None:
    local_types = v.locals
    if imm >= len(local_types):
        raise ValidationError(f"unknown local {imm}")
    t = local_types[imm]
    vals = v.vals
    if len(vals) > v._top.height and vals[-1] is t:
        vals.pop()
    else:
        v._pop(t)


def _local_tee(v: FuncValidator, imm) -> None:
    local_types = v.locals
    if imm >= len(local_types):
        raise ValidationError(f"unknown local {imm}")
    t = local_types[imm]
    vals = v.vals
    if not (len(vals) > v._top.height and vals[-1] is t):
        v._pop(t)
        vals.append(t)


def _global_get(v: FuncValidator, imm) -> None:
    v.vals.append(v._global(imm).type)


def _global_set(v: FuncValidator, imm) -> None:
    g = v._global(imm)
    if not g.mutable:
        raise ValidationError(f"global is immutable: global {imm}")
    v._pop(g.type)


# Table operators index with the table's address type (i64 for table64).

def _table_get(v: FuncValidator, imm) -> None:
    table = v._table(imm)
    v._pop(table.addr)
    v.vals.append(table.elem)


def _table_set(v: FuncValidator, imm) -> None:
    table = v._table(imm)
    v._pop(table.elem)
    v._pop(table.addr)


def _table_size(v: FuncValidator, imm) -> None:
    v.vals.append(v._table(imm).addr)


def _table_grow(v: FuncValidator, imm) -> None:
    table = v._table(imm)
    v._pop(table.addr)
    v._pop(table.elem)
    v.vals.append(table.addr)


def _table_fill(v: FuncValidator, imm) -> None:
    table = v._table(imm)
    v._pop(table.addr)
    v._pop(table.elem)
    v._pop(table.addr)


def _table_copy(v: FuncValidator, imm) -> None:
    dst, src = v._table(imm[0]), v._table(imm[1])
    if dst.elem is not src.elem:
        raise _mismatch(dst.elem, src.elem)
    # The length counts elements of both: the narrower address type (Wasm 3.0).
    v._pop(I64 if dst.is64 and src.is64 else I32)
    v._pop(src.addr)
    v._pop(dst.addr)


def _table_init(v: FuncValidator, imm) -> None:
    elem_idx, table_idx = imm
    table = v._table(table_idx)
    elem_type = v._elem_type(elem_idx)
    if elem_type is not table.elem:
        raise _mismatch(table.elem, elem_type)
    v._pop(I32)
    v._pop(I32)
    v._pop(table.addr)


# Memory operators address with the memory's address type (i64 for memory64).

def _memory_size(v: FuncValidator, imm) -> None:
    v.vals.append(v._memory_addr())


def _memory_grow(v: FuncValidator, imm) -> None:
    at = v._memory_addr()
    v._pop(at)
    v.vals.append(at)


def _memory_fill(v: FuncValidator, imm) -> None:
    at = v._memory_addr()
    v._pop(at)
    v._pop(I32)
    v._pop(at)


def _memory_copy(v: FuncValidator, imm) -> None:
    at = v._memory_addr()
    v._pop(at)
    v._pop(at)
    v._pop(at)


def _memory_init(v: FuncValidator, imm) -> None:
    at = v._memory_addr()
    _need_data(v, imm[0])
    v._pop(I32)
    v._pop(I32)
    v._pop(at)


_HANDLERS = {
    "unreachable": _unreachable, "nop": _nop, "block": _block, "loop": _loop, "if": _if, "else": _else,
    "end": _end, "br": _br, "br_if": _br_if, "br_table": _br_table, "return": _return,
    "call": _call, "call_indirect": _call_indirect,
    "ref.null": _ref_null, "ref.is_null": _ref_is_null, "ref.func": _ref_func,
    "drop": _drop, "select": _select, "select_t": _select_t,
    "local.get": _local_get, "local.set": _local_set, "local.tee": _local_tee,
    "global.get": _global_get, "global.set": _global_set,
    "table.get": _table_get, "table.set": _table_set, "table.grow": _table_grow, "table.fill": _table_fill,
    "table.size": _table_size, "table.copy": _table_copy, "table.init": _table_init,
    "memory.size": _memory_size, "memory.grow": _memory_grow, "memory.fill": _memory_fill,
    "memory.copy": _memory_copy, "memory.init": _memory_init,
}


# Checks on the immediates of operators whose stack signature is fixed.

def _need_data(v: FuncValidator, data_idx: int) -> None:
    count = v.m.data_count
    if count is None:
        # Binary-format rule: data indices in code need the data count section, so one pass suffices.
        raise DecodeError("data count section required")
    if data_idx >= count:
        raise ValidationError(f"unknown data segment {data_idx}")


def _check_elem_drop(v: FuncValidator, imm) -> None:
    v._elem_type(imm)


def _invalid_lane(lane: int, lanes: int) -> ValidationError:
    return ValidationError(f"invalid lane index: {lane}, not below {lanes}")


def _check_shuffle(v: FuncValidator, imm) -> None:
    # Lanes index the 32 bytes of both operands.
    for lane in imm:
        if lane >= 32:
            raise _invalid_lane(lane, 32)


_CHECKS = {
    "data.drop": _need_data,
    "elem.drop": _check_elem_drop, "i8x16.shuffle": _check_shuffle,
}


def _access_bits(op: Op) -> int:
    """The bits a load or store touches in memory: i64.load32_u -> 32, f64.store -> 64,
    v128.load8x8_s -> 64, v128.load16_lane -> 16, v128.store -> 128."""
    access = op.name.split(".")[1].split("_")[0]          # "load32", "store", "load8x8", ...
    digits = access.removeprefix("load").removeprefix("store")
    if "x" in digits:
        lane_bits, lanes = digits.split("x")
        return int(lane_bits) * int(lanes)
    if digits:
        return int(digits)
    return 128 if op.name.startswith("v128.") else int(op.name[1:3])


def _natural_align(op: Op) -> int:
    """log2 of the access width in bytes: i64.load32_u -> 2, f64.store -> 3, v128.load -> 4."""
    return (_access_bits(op) // 8).bit_length() - 1


def _lane_count(op: Op) -> int:
    """Lanes an operator's laneidx may name: i16x8.extract_lane_s -> 8, v128.load32_lane -> 4."""
    if op.name.startswith("v128."):
        return 128 // _access_bits(op)
    return int(op.name.split(".")[0].split("x")[1])


def _memory_access(op: Op):
    """A handler for a load or store: memory and alignment checks, then the fixed signature."""
    max_align = _natural_align(op)
    apply = _fixed(op.params, op.results)
    # The row's address operand (the first) is an i32; a 64-bit memory takes an i64 there.
    apply64 = _fixed((I64, *op.params[1:]), op.results)

    def access(v: FuncValidator, imm) -> None:
        memories = v.m.memory_types
        if not memories:
            raise ValidationError("unknown memory 0")
        if imm[0] > max_align:
            raise ValidationError(f"alignment must not be larger than natural: 2**{imm[0]} for {op.name}")
        if memories[0].is64:
            apply64(v, imm)
            return
        if imm[1] > 0xFFFF_FFFF:
            raise ValidationError(f"offset out of range: {imm[1]} for a 32-bit memory")
        apply(v, imm)

    if "laneidx" not in op.imm:
        return access
    lanes = _lane_count(op)

    def lane_access(v: FuncValidator, imm) -> None:
        # v128.loadN_lane/storeN_lane: the immediate is (memarg, laneidx).
        memarg, lane = imm
        if lane >= lanes:
            raise _invalid_lane(lane, lanes)
        access(v, memarg)
    return lane_access


def _lane_access(op: Op):
    """A handler for extract_lane/replace_lane: the lane index bound, then the fixed signature."""
    lanes = _lane_count(op)
    apply = _fixed(op.params, op.results)

    def access(v: FuncValidator, imm) -> None:
        if imm >= lanes:
            raise _invalid_lane(imm, lanes)
        apply(v, imm)
    return access


def _fixed(params: tuple[ValType, ...], results: tuple[ValType, ...]):
    """The stack effect of a fixed signature, with fast paths for the common shapes when the operands
    are on the stack with exactly the expected types."""
    if len(params) == 2 and len(results) == 1:
        a, b = params
        r = results[0]

        def binary(v: FuncValidator, imm) -> None:
            vals = v.vals
            if len(vals) - 2 >= v._top.height and vals[-1] is b and vals[-2] is a:
                del vals[-1]
                vals[-1] = r
            else:
                v._pop(b)
                v._pop(a)
                vals.append(r)
        return binary
    if len(params) == 1 and len(results) == 1:
        a = params[0]
        r = results[0]

        def unary(v: FuncValidator, imm) -> None:
            vals = v.vals
            if len(vals) > v._top.height and vals[-1] is a:
                vals[-1] = r
            else:
                v._pop(a)
                vals.append(r)
        return unary
    if not params and len(results) == 1:
        r = results[0]

        def constant(v: FuncValidator, imm) -> None:
            v.vals.append(r)
        return constant
    reversed_params = params[::-1]

    def general(v: FuncValidator, imm) -> None:
        for t in reversed_params:
            v._pop(t)
        v.vals.extend(results)
    return general


def _then(check, apply):
    def checked(v: FuncValidator, imm) -> None:
        check(v, imm)
        apply(v, imm)
    return checked


def _validator(op: Op):
    handler = _HANDLERS.get(op.name)
    if handler is not None:
        return handler
    if op.params is None:
        raise AssertionError(f"validate.py: no handler for {op.name}")
    check = _CHECKS.get(op.name)
    if "memarg" in op.imm:
        return _memory_access(op)
    if "laneidx" in op.imm:
        return _lane_access(op)
    if check is not None:
        return _then(check, _fixed(op.params, op.results))
    return _fixed(op.params, op.results)


# `handler(validator, imm)` for every operator, indexed by Op.index (the translator steps these too).
VALIDATORS: list = [_validator(op) for op in ALL_OPS]
