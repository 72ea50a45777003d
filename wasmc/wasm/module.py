"""The module model: what decode.py produces and everything after it reads. Function bodies stay byte ranges."""
from __future__ import annotations

from dataclasses import dataclass, field

from .features import WASM3, Features
from .types import ExternKind, FuncType, GlobalType, MemoryType, TableType, ValType

# A constant expression: the instructions before its `end`, as (operator name, immediate) pairs, e.g.
# (("i32.const", 5),) or (("global.get", 0), ("i32.const", 1), ("i32.add", None)).
ConstExpr = tuple[tuple[str, object], ...]
# Where an encoding lies in Module.data: [start, end). A constant expression's span includes its `end`, so
# runtime_c evaluates the module's own bytes (wasmc/image.py copies them into the instance image).
Span = tuple[int, int]


@dataclass(slots=True)
class Import:
    module: str
    name: str
    kind: ExternKind
    desc: int | TableType | MemoryType | GlobalType   # type_idx for functions


@dataclass(slots=True)
class Export:
    name: str
    kind: ExternKind
    index: int


@dataclass(slots=True)
class Global:
    type: GlobalType
    init: ConstExpr
    init_span: Span = (0, 0)


@dataclass(slots=True)
class ElemSegment:
    mode: str                      # "active" | "passive" | "declarative"
    elem_type: ValType
    items: list[ConstExpr]         # each item a constant expression yielding a reference
    table_idx: int = 0
    offset: ConstExpr | None = None
    offset_span: Span | None = None
    items_span: Span = (0, 0)      # the item vector, its count included
    items_are_funcidx: bool = False  # the vector holds function indices, not expressions


@dataclass(slots=True)
class DataSegment:
    mode: str                      # "active" | "passive"
    data: bytes
    mem_idx: int = 0
    offset: ConstExpr | None = None
    offset_span: Span | None = None


@dataclass(slots=True)
class FuncBody:
    locals: tuple[ValType, ...]    # declared locals only, expanded (parameters come from the type)
    start: int                     # offset of the first instruction in Module.data
    end: int                       # offset just past the final `end`


@dataclass(slots=True)
class Module:
    data: bytes = b""
    types: list[FuncType] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    funcs: list[int] = field(default_factory=list)            # type_idx of each defined function
    tables: list[TableType] = field(default_factory=list)     # defined tables
    memories: list[MemoryType] = field(default_factory=list)  # defined memories
    globals: list[Global] = field(default_factory=list)       # defined globals
    exports: list[Export] = field(default_factory=list)
    start: int | None = None
    elems: list[ElemSegment] = field(default_factory=list)
    data_count: int | None = None
    code: list[FuncBody] = field(default_factory=list)
    datas: list[DataSegment] = field(default_factory=list)
    func_names: dict[int, str] = field(default_factory=dict)  # from the name section, by func_idx
    features: Features = WASM3                                 # the spec level it was decoded at

    # Index spaces (imports first), filled by finish().
    func_type_idx: list[int] = field(default_factory=list)
    table_types: list[TableType] = field(default_factory=list)
    memory_types: list[MemoryType] = field(default_factory=list)
    global_types: list[GlobalType] = field(default_factory=list)
    num_imported_funcs: int = 0
    num_imported_tables: int = 0
    num_imported_memories: int = 0
    num_imported_globals: int = 0

    def finish(self) -> "Module":
        """Build the index spaces from imports and definitions."""
        imp = {k: [i.desc for i in self.imports if i.kind == k] for k in ExternKind}
        self.num_imported_funcs = len(imp[ExternKind.FUNC])
        self.num_imported_tables = len(imp[ExternKind.TABLE])
        self.num_imported_memories = len(imp[ExternKind.MEMORY])
        self.num_imported_globals = len(imp[ExternKind.GLOBAL])
        self.func_type_idx = imp[ExternKind.FUNC] + list(self.funcs)
        self.table_types = imp[ExternKind.TABLE] + list(self.tables)
        self.memory_types = imp[ExternKind.MEMORY] + list(self.memories)
        self.global_types = imp[ExternKind.GLOBAL] + [g.type for g in self.globals]
        return self

    def func_type(self, func_idx: int) -> FuncType:
        return self.types[self.func_type_idx[func_idx]]

    def func_name(self, func_idx: int) -> str:
        """A readable name for messages: the name section's, else an export's, else the index."""
        name = self.func_names.get(func_idx)
        if name is None:
            for e in self.exports:
                if e.kind == ExternKind.FUNC and e.index == func_idx:
                    return e.name
            return f"func {func_idx}"
        return name
