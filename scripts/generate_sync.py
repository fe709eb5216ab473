"""Generate the sync facade (``Ideogram``) from the async source (``AsyncIdeogram``).

    python scripts/generate_sync.py           # rewrite the generated modules
    python scripts/generate_sync.py --check   # exit 1 when a checked-in module is stale

What is read, from the source files alone (nothing is imported, so a stale or broken generated
module cannot stop its own regeneration):

- the client class and, through its public ``functools.cached_property`` members, every
  operation group, found by the property's return annotation and followed through the import
  to the class's module; groups of groups likewise, to any depth;
- on each class (and its SDK base classes): public ``async def`` methods, public plain methods,
  ``@property`` members, ``@overload`` stacks, ``if TYPE_CHECKING:`` branches and method aliases;
- handles: an SDK class a method returns that has coroutines of its own (a ``Job[R]``) gets a
  twin too, generic like it (its ``TypeVar`` copied), with the public attributes its
  ``__init__`` sets as read-only properties; the method wraps what it returns in the twin.

What is written: one sync class per async class, each method with the async method's
parameters, defaults, annotations and docstring copied node for node, and a one-line body that
runs the coroutine on the client's event loop thread (``_portal.py``). Only what must change
is rewritten: ``async def`` becomes ``def``; a returned ``AsyncIterator[X]`` (or
``AsyncIterable``/``AsyncGenerator``) becomes ``Iterator[X]``, consumed through the portal; a
returned ``AbstractAsyncContextManager[X]`` becomes ``AbstractContextManager[X]``; a name of an
SDK class that has a sync twin (``AsyncIdeogram``, the groups) becomes the twin's name. Every
other name an annotation or default uses is imported from where the async module got it
(annotation-only names under ``TYPE_CHECKING``, so the facade costs no import time).

Why ``ast`` + ``ast.unparse`` (then ``ruff``), rather than token rewriting or libcst:

- Token rewriting (httpcore's ``unasync``: regexes over lines, ``async def`` -> ``def``,
  ``AsyncIterator`` -> ``Iterator``) suits a codebase written twice in the same shape. Here the
  sync side is a different program: a thin shell whose bodies forward to the async client, and
  which must know which methods are groups, which return iterators, which are overloaded, and
  where every annotation's names come from. That is a question about the syntax tree.
- libcst would keep comments and layout, but the methods' bodies are replaced and the signatures'
  layout is ruff's to decide anyway; it would also be a new dependency for a dev script.
- ``ast`` is in the standard library and gives exactly the parts to copy (``ast.arguments``,
  annotation and default expressions, docstring constants). ``ast.unparse`` writes them back as
  source; ``ruff check --fix --select I`` and ``ruff format`` (the repo's own config) then give
  the file the layout a human would have written, so it passes lint without hand edits.
- ``--check`` compares syntax trees (imports order-insensitive), not text: it needs no ruff, so
  it runs in the test suite on a ``.[tests]`` install, and a ruff upgrade never makes it stale.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import copy
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "python scripts/generate_sync.py"

# A returned one of these becomes ``Iterator[X]`` (sending into a generator is not mirrored).
_ASYNC_ITERATORS = {"AsyncIterator", "AsyncIterable", "AsyncGenerator"}
_ASYNC_MANAGERS = {"AbstractAsyncContextManager", "AsyncContextManager"}
_KEPT_DECORATORS = {"overload", "deprecated"}
_SKIPPED_METHODS = {"aclose"}  # the sync client's ``close()`` is the runtime's
_BUILTINS = set(dir(builtins))


@dataclass(frozen=True)
class Target:
    """One generated module: the async client it mirrors and where the sync one goes."""

    source: str  # the async client's module, e.g. "ideogram_async._client"
    client: str  # the async client's class name
    output: str  # the generated module
    runtime: str  # the module with SyncClient and SyncGroup
    summary: str  # the sync client's docstring, before the async one's "Args:" section
    title: str  # the generated module's docstring


TARGETS = (
    Target(
        source="ideogram_async._client",
        client="AsyncIdeogram",
        output="ideogram_async._sync",
        runtime="ideogram_async._portal",
        summary=(
            "A synchronous client for Ideogram: every ``AsyncIdeogram`` operation, blocking.\n"
            "\n"
            "    For scripts, notebooks and threads. The calls run on one event loop on a\n"
            "    background thread, started on first use, with one connection pool and one\n"
            "    in-flight budget shared by every thread. Use it as a context manager, or call\n"
            "    ``close()``."
        ),
        title="The synchronous client ``Ideogram``, generated from ``AsyncIdeogram``.",
    ),
    Target(
        source="tests.fake_sdk._client",
        client="AsyncFake",
        output="tests.fake_sdk._sync",
        runtime="ideogram_async._portal",
        summary="The sync twin of ``AsyncFake``.",
        title="The sync twin of the fake SDK, proving the generator's general cases.",
    ),
)


# --- reading the source --------------------------------------------------------------------


@dataclass
class Module:
    """A parsed source module and where each of its top-level names comes from."""

    name: str
    path: Path
    tree: ast.Module
    # local name -> ("from", module, name) | ("import", module, "")
    imports: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    defined: set[str] = field(default_factory=set)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)


class Sources:
    """Source modules by dotted name, read from the repository, never imported."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, Module | None] = {}

    def find(self, name: str) -> Module | None:
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def _load(self, name: str) -> Module | None:
        base = self.root.joinpath(*name.split("."))
        for path in (base.with_suffix(".py"), base / "__init__.py"):
            if path.is_file():
                break
        else:
            return None
        module = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
        for node in _top_level(module.tree.body):
            if isinstance(node, ast.ImportFrom):
                origin = _absolute(module, node)
                for alias in node.names:
                    module.imports[alias.asname or alias.name] = ("from", origin, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    module.imports[local] = ("import", alias.name if alias.asname else local, "")
            elif isinstance(node, ast.ClassDef):
                module.classes[node.name] = node
                module.defined.add(node.name)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                module.defined.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                module.defined.update(t.id for t in targets if isinstance(t, ast.Name))
        return module

    def origin(self, module: Module, name: str) -> tuple[str, str, str] | None:
        """Where ``name``, as used in ``module``, comes from; ``None`` for a builtin."""
        if name in module.imports:
            return module.imports[name]
        if name in module.defined:
            return ("from", module.name, name)
        if name in _BUILTINS:
            return None
        raise GenerateError(f"{module.path}: cannot tell where the name {name!r} comes from")

    def sdk_class(self, module: Module, name: str) -> tuple[Module, ast.ClassDef] | None:
        """The class ``name`` refers to in ``module``, when it is in this repository."""
        found = self.origin(module, name)
        while found is not None and found[0] == "from":
            target = self.find(found[1])
            if target is None:
                return None
            if found[2] in target.classes:
                return target, target.classes[found[2]]
            if found[2] not in target.imports:
                return None
            found = target.imports[found[2]]  # a re-export: follow it
        return None


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements at module level, including those inside ``if``/``try`` blocks."""
    out: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If):
            out.extend(_top_level(node.body) + _top_level(node.orelse))
        elif isinstance(node, ast.Try):
            out.extend(_top_level(node.body))
            for handler in node.handlers:
                out.extend(_top_level(handler.body))
        else:
            out.append(node)
    return out


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.name.split(".")
    if module.path.name != "__init__.py":
        parts = parts[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


class GenerateError(Exception):
    """The async source has a shape the generator cannot mirror."""


# --- the plan: which sync classes to write -------------------------------------------------


@dataclass
class SyncClass:
    """One async class and its sync twin."""

    module: Module
    node: ast.ClassDef
    twin: str
    alias: str  # the async class's name in the generated module (TYPE_CHECKING import)
    is_root: bool
    is_handle: bool = False  # returned by a method (a job handle), not reached by a property


class Generator:
    def __init__(self, target: Target, sources: Sources) -> None:
        self.target = target
        self.sources = sources
        self.classes: dict[tuple[str, str], SyncClass] = {}
        self.runtime_names: dict[str, tuple[str, str, str]] = {}
        self.typing_names: dict[str, tuple[str, str, str]] = {}
        self.defined: set[str] = set()
        self.typevars: dict[str, ast.stmt] = {}  # copied, so generic twins need no import

    # names --------------------------------------------------------------------------------

    def use(self, module: Module, name: str, *, runtime: bool) -> None:
        """Import ``name`` (as ``module`` uses it) into the generated module."""
        if name in self.typevars:
            return
        if name in self.defined:
            raise GenerateError(f"{module.path}: {name!r} is also the name of a sync class")
        found = self.sources.origin(module, name)
        if found is None:
            return
        self._add(name, found, runtime=runtime)

    def _add(self, name: str, found: tuple[str, str, str], *, runtime: bool) -> None:
        for table in (self.runtime_names, self.typing_names):
            if table.get(name, found) != found:
                raise GenerateError(f"the name {name!r} means two things in the async source")
        if runtime:
            self.typing_names.pop(name, None)
            self.runtime_names[name] = found
        elif name not in self.runtime_names:
            self.typing_names[name] = found

    def twin_of(self, module: Module, name: str) -> str | None:
        found = self.sources.sdk_class(module, name)
        if found is None:
            return None
        sync = self.classes.get((found[0].name, found[1].name))
        return sync.twin if sync is not None else None

    # discovery ----------------------------------------------------------------------------

    def discover(self) -> None:
        root = self.sources.find(self.target.source)
        if root is None or self.target.client not in root.classes:
            raise GenerateError(f"no class {self.target.client} in {self.target.source}")
        self._register(root, root.classes[self.target.client], (), is_root=True)

    def _register(
        self,
        module: Module,
        node: ast.ClassDef,
        path: tuple[str, ...],
        *,
        is_root: bool = False,
        is_handle: bool = False,
    ) -> SyncClass:
        key = (module.name, node.name)
        if key in self.classes:
            return self.classes[key]
        twin = node.name.removeprefix("Async") or node.name
        if twin in self.defined:  # two groups of one name: prefix the path that reaches it
            twin = "".join(part.title().replace("_", "") for part in path) + twin
        if twin in self.defined:
            raise GenerateError(f"two sync classes would be called {twin}")
        self.defined.add(twin)
        sync = SyncClass(module, node, twin, f"_Async{twin}", is_root, is_handle)
        self.classes[key] = sync
        for member_module, member in self._members(module, node):
            group = self._group_class(member_module, member)
            if group is not None:
                assert isinstance(member, ast.FunctionDef)
                self._register(*group, (*path, member.name))
            handle = self._handle_class(member_module, member)
            if handle is not None:
                self._register(*handle, (), is_handle=True)
        return sync

    def _handle_class(self, module: Module, node: ast.stmt) -> tuple[Module, ast.ClassDef] | None:
        """The SDK class a method returns, when that class has coroutines of its own."""
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        if node.name.startswith("_") or any(
            _decorator_name(d) in ("cached_property", "property") for d in node.decorator_list
        ):
            return None
        returns = _unquote(node.returns)
        if isinstance(returns, ast.Subscript):
            returns = returns.value
        if not isinstance(returns, ast.Name):
            return None
        found = self.sources.sdk_class(module, returns.id)
        if found is None or not any(
            isinstance(f, ast.AsyncFunctionDef) and not f.name.startswith("_")
            for f in _functions(found[1].body)
        ):
            return None
        return found

    def _members(self, module: Module, node: ast.ClassDef) -> list[tuple[Module, ast.stmt]]:
        """The class's own body statements, after those inherited from SDK base classes."""
        own = {n.name for n in _functions(node.body)}
        inherited: list[tuple[Module, ast.stmt]] = []
        for base in node.bases:
            if isinstance(base, ast.Name):
                found = self.sources.sdk_class(module, base.id)
                if found is not None:
                    inherited.extend(
                        (m, s)
                        for m, s in self._members(*found)
                        if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                        or s.name not in own
                    )
        return inherited + [(module, stmt) for stmt in node.body]

    def _group_class(self, module: Module, node: ast.stmt) -> tuple[Module, ast.ClassDef] | None:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            return None
        if not any(_decorator_name(d) == "cached_property" for d in node.decorator_list):
            return None
        returns = node.returns
        if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
            returns = ast.parse(returns.value, mode="eval").body
        if not isinstance(returns, ast.Name):
            return None
        return self.sources.sdk_class(module, returns.id)

    # writing ------------------------------------------------------------------------------

    def module(self) -> ast.Module:
        self.discover()
        runtime = self.target.runtime
        self._add("TYPE_CHECKING", ("from", "typing", "TYPE_CHECKING"), runtime=True)
        body: list[ast.stmt] = []
        for sync in self.classes.values():
            base = "SyncClient" if sync.is_root else "SyncHandle" if sync.is_handle else "SyncGroup"
            self._add(base, ("from", runtime, base), runtime=True)
            body.append(self._class(sync))
        header: list[ast.stmt] = [
            ast.Expr(ast.Constant(self.target.title)),
            ast.ImportFrom("__future__", [ast.alias("annotations")], 0),
        ]
        names = sorted(sync.twin for sync in self.classes.values())
        footer = ast.Assign([ast.Name("__all__")], ast.List([ast.Constant(n) for n in names]))
        typevars = list(self.typevars.values())
        tree = ast.Module([*header, *self._imports(), footer, *typevars, *body], [])
        return ast.fix_missing_locations(tree)

    def _imports(self) -> list[ast.stmt]:
        def statements(table: dict[str, tuple[str, str, str]]) -> list[ast.stmt]:
            out: list[ast.stmt] = []
            for local, (kind, module, name) in sorted(table.items()):
                if kind == "import":
                    as_name = local if local != module.split(".")[0] else None
                    out.append(ast.Import([ast.alias(module, as_name)]))
                else:
                    relative, level = self._relative(module)
                    alias = ast.alias(name, local if local != name else None)
                    out.append(ast.ImportFrom(relative, [alias], level))
            return out

        typing_block = statements(self.typing_names)
        checking = [ast.If(ast.Name("TYPE_CHECKING"), typing_block, [])] if typing_block else []
        return statements(self.runtime_names) + checking

    def _relative(self, module: str) -> tuple[str | None, int]:
        package = self.target.output.rpartition(".")[0]
        if module.startswith(package + "."):
            return module[len(package) + 1 :], 1
        return module, 0

    def _class(self, sync: SyncClass) -> ast.ClassDef:
        module, node = sync.module, sync.node
        self._add(sync.alias, ("from", module.name, node.name), runtime=sync.is_root)
        body: list[ast.stmt] = []
        doc = ast.get_docstring(node, clean=False)
        if sync.is_root:
            tail = doc[doc.index("Args:") :] if doc and "Args:" in doc else ""
            doc = self.target.summary + (f"\n\n    {tail}" if tail else "\n    ")
        if doc:
            body.append(ast.Expr(ast.Constant(doc)))
        if sync.is_root:
            body.append(self._init(sync))
        body.extend(self._attributes(sync))
        body.extend(self._statements(sync, self._members(module, node)))
        bases: list[ast.expr]
        if sync.is_root:
            bases = [ast.Subscript(ast.Name("SyncClient"), ast.Name(sync.alias))]
        else:
            # A group's async class is imported for the type checker only (the groups load on
            # first use), so its ``_target`` is typed in a ``TYPE_CHECKING`` block.
            generic = self._generic_bases(sync)
            bases = [ast.Name("SyncHandle" if sync.is_handle else "SyncGroup"), *generic]
            typed: ast.expr = ast.Name(sync.alias)
            if generic:
                assert isinstance(generic[0], ast.Subscript)
                typed = ast.Subscript(typed, copy.deepcopy(generic[0].slice))
            target = _function(
                "_target",
                _self_only(),
                typed,
                [ast.Expr(ast.Constant(...))],
                [ast.Name("property")],
            )
            body.insert(1 if doc else 0, ast.If(ast.Name("TYPE_CHECKING"), [target], []))
        return ast.ClassDef(
            sync.twin,
            bases=bases,
            keywords=[],
            body=body,
            decorator_list=[],
            **_type_params(),
        )

    def _generic_bases(self, sync: SyncClass) -> list[ast.expr]:
        """``Generic[R]`` bases, copied with their type variables (defined in the output)."""
        out: list[ast.expr] = []
        for base in sync.node.bases:
            if isinstance(base, ast.Subscript) and _outer(base) == "Generic":
                self.use(sync.module, "Generic", runtime=True)
                for name in _names(base.slice):
                    self._copy_typevar(sync.module, name)
                out.append(copy.deepcopy(base))
        return out

    def _copy_typevar(self, module: Module, name: str) -> None:
        found = self.sources.origin(module, name)
        source = self.sources.find(found[1]) if found and found[0] == "from" else None
        for stmt in source.tree.body if source else []:
            if (
                isinstance(stmt, ast.Assign)
                and [ast.unparse(t) for t in stmt.targets] == [found[2] if found else ""]
                and isinstance(stmt.value, ast.Call)
                and _outer(stmt.value.func) == "TypeVar"
                and source is not None
            ):
                self.use(source, _names(stmt.value.func)[0], runtime=True)
                assignment = copy.deepcopy(stmt)
                assignment.targets = [ast.Name(name)]
                self.typevars[name] = assignment
                self.typing_names.pop(name, None)
                return
        raise GenerateError(f"{module.path}: {name!r} is not a TypeVar the generator can copy")

    def _attributes(self, sync: SyncClass) -> list[ast.stmt]:
        """Public attributes ``__init__`` sets (``self.id = ...``), as read-only properties."""
        init = next((f for f in _functions(sync.node.body) if f.name == "__init__"), None)
        if init is None or sync.is_root:
            return []
        params = {a.arg: a.annotation for a in [*init.args.args, *init.args.kwonlyargs]}
        members = {f.name for f in _functions(sync.node.body)}
        out: list[ast.stmt] = []
        seen: set[str] = set()
        for stmt in ast.walk(init):
            annotation: ast.expr | None = None
            target: ast.expr
            if isinstance(stmt, ast.AnnAssign):
                target, annotation = stmt.target, stmt.annotation
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if isinstance(stmt.value, ast.Name):
                    annotation = params.get(stmt.value.id)
            else:
                continue
            if not (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                and not target.attr.startswith("_")
                and target.attr not in members | seen
            ):
                continue
            seen.add(target.attr)
            if annotation is None:
                self._add("Any", ("from", "typing", "Any"), runtime=False)
                annotation = ast.Name("Any")
            else:
                annotation = self._annotation(sync.module, annotation)
            value = ast.Attribute(_target(), target.attr)
            out.append(
                _function(
                    target.attr,
                    _self_only(),
                    annotation,
                    [
                        ast.Expr(ast.Constant(f"The async object's ``{target.attr}``.")),
                        ast.Return(value),
                    ],
                    [ast.Name("property")],
                )
            )
        return out

    def _statements(
        self, sync: SyncClass, members: list[tuple[Module, ast.stmt]]
    ) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for module, stmt in members:
            if isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
                then = self._statements(sync, [(module, s) for s in stmt.body])
                orelse = self._statements(sync, [(module, s) for s in stmt.orelse])
                if then or orelse:
                    out.append(ast.If(ast.Name("TYPE_CHECKING"), then or [ast.Pass()], orelse))
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                method = self._method(sync, module, stmt)
                if method is not None:
                    out.append(method)
            elif (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and not stmt.targets[0].id.startswith("_")
                and isinstance(stmt.value, ast.Name)
                and stmt.value.id in {f.name for f in _functions(sync.node.body)}
            ):
                out.append(copy.deepcopy(stmt))  # a method alias, such as ``edit = inpaint``
        return out

    def _init(self, sync: SyncClass) -> ast.FunctionDef:
        """``__init__``: the async client's parameters, plus ``backend``; builds it at once."""
        source = next(
            (f for f in _functions(sync.node.body) if f.name == "__init__"),
            None,
        )
        args = self._arguments(sync.module, source.args) if source else _self_only()
        if any(a.arg == "backend" for a in [*args.args, *args.kwonlyargs]):
            raise GenerateError("the async client already takes a `backend` parameter")
        self._add("Literal", ("from", "typing", "Literal"), runtime=False)
        args.kwonlyargs.append(
            ast.arg("backend", ast.parse('Literal["asyncio", "trio"]', mode="eval").body)
        )
        args.kw_defaults.append(ast.Constant("asyncio"))
        factory = ast.Lambda(
            _no_arguments(), _call(ast.Name(sync.alias), source.args if source else None)
        )
        init = ast.Call(
            ast.Attribute(ast.Call(ast.Name("super"), [], []), "__init__"),
            [factory],
            [ast.keyword("backend", ast.Name("backend"))],
        )
        doc = (
            "Check the options and build the async client; its event loop starts on first use.\n"
            "\n"
            "        Takes ``AsyncIdeogram``'s options (see the class), and:\n"
            "\n"
            "        Args:\n"
            '            backend: The event loop the background thread runs: ``"asyncio"`` or\n'
            '                ``"trio"``.\n'
            "        "
        ).replace("AsyncIdeogram", sync.node.name)
        return _function(
            "__init__", args, ast.Name("None"), [ast.Expr(ast.Constant(doc)), ast.Expr(init)]
        )

    def _method(
        self, sync: SyncClass, module: Module, node: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> ast.stmt | None:
        if node.name.startswith("_") or node.name in _SKIPPED_METHODS:
            return None
        names = [_decorator_name(d) for d in node.decorator_list]
        if any(n in ("staticmethod", "classmethod", "setter", "deleter") for n in names):
            return None
        doc = ast.get_docstring(node, clean=False)
        doc_stmt: list[ast.stmt] = [ast.Expr(ast.Constant(doc))] if doc is not None else []
        if "cached_property" in names:
            group = self._group_class(module, node)
            if group is not None:
                sub = self.classes[(group[0].name, group[1].name)]
                path = (*self._path_to(sync), node.name)
                root: ast.expr = (
                    ast.Name("self") if sync.is_root else ast.Attribute(ast.Name("self"), "_root")
                )
                made = ast.Call(
                    ast.Name(sub.twin), [root, ast.Tuple([ast.Constant(p) for p in path])], []
                )
                self._add("functools", ("import", "functools", ""), runtime=True)
                deco = ast.Attribute(ast.Name("functools"), "cached_property")
                return _function(
                    node.name,
                    _self_only(),
                    ast.Name(sub.twin),
                    [*doc_stmt, ast.Return(made)],
                    [deco],
                )
        if "property" in names or "cached_property" in names:
            annotation = self._annotation(module, node.returns) if node.returns else None
            value = ast.Attribute(_target(), node.name)
            return _function(
                node.name,
                _self_only(),
                annotation,
                [*doc_stmt, ast.Return(value)],
                [ast.Name("property")],
            )

        args = self._arguments(module, node.args)
        kept = [
            copy.deepcopy(d)
            for d, n in zip(node.decorator_list, names, strict=True)
            if n in _KEPT_DECORATORS
        ]
        for decorator in kept:
            for name in _names(decorator):
                self.use(module, name, runtime=True)
        if "overload" in names:
            stub = doc_stmt or [ast.Expr(ast.Constant(...))]
            return _function(node.name, args, self._sync_return(module, node.returns), stub, kept)

        call = _call(ast.Attribute(_target(), node.name), node.args)
        raw_return = _unquote(node.returns)
        returns: ast.expr | None
        if "asynccontextmanager" in names:
            wrapped: ast.expr = _self_call("_enter", call)
            returns = self._manager_return(module, raw_return)
        elif _outer(raw_return) in _ASYNC_ITERATORS:
            is_generator = isinstance(node, ast.AsyncFunctionDef) and _yields(node)
            if isinstance(node, ast.AsyncFunctionDef) and not is_generator:
                call = _self_call("_run", call)  # a coroutine that returns the iterator
            wrapped = _self_call("_iterate", call)
            returns = self._sync_return(module, node.returns)
        elif _outer(raw_return) in _ASYNC_MANAGERS:
            if isinstance(node, ast.AsyncFunctionDef):
                call = _self_call("_run", call)
            wrapped = _self_call("_enter", call)
            returns = self._sync_return(module, node.returns)
        elif isinstance(node, ast.AsyncFunctionDef):
            wrapped = _self_call("_run", call)
            returns = self._sync_return(module, node.returns)
        else:
            wrapped = call  # a plain method: forwarded as it is
            returns = self._sync_return(module, node.returns)
        handle = self._handle_class(module, node)
        if handle is not None and returns is not None:
            twin = self.classes[(handle[0].name, handle[1].name)].twin
            root = ast.Name("self") if sync.is_root else ast.Attribute(ast.Name("self"), "_root")
            self._add("cast", ("from", "typing", "cast"), runtime=True)
            made = ast.Call(ast.Name(twin), [root, wrapped], [])
            wrapped = ast.Call(ast.Name("cast"), [ast.Constant(ast.unparse(returns)), made], [])
        if self._is_overloaded(sync, node.name):
            # The implementation's loose signature need not match any one overload.
            self._add("Any", ("from", "typing", "Any"), runtime=False)
            body: list[ast.stmt] = [
                *doc_stmt,
                ast.AnnAssign(ast.Name("target"), ast.Name("Any"), _target(), 1),
            ]
            _retarget(wrapped)
            if returns is not None:
                body.append(ast.AnnAssign(ast.Name("result"), returns, wrapped, 1))
                body.append(ast.Return(ast.Name("result")))
            else:
                body.append(ast.Return(wrapped))
        else:
            body = [*doc_stmt, ast.Return(wrapped)]
        return _function(node.name, args, returns, body, kept)

    def _path_to(self, sync: SyncClass) -> tuple[str, ...]:
        """The attribute path from the root to a group (the first one found)."""
        root = next(s for s in self.classes.values() if s.is_root)
        queue: list[tuple[SyncClass, tuple[str, ...]]] = [(root, ())]
        seen: set[tuple[str, str]] = set()
        while queue:
            current, path = queue.pop(0)
            if current is sync:
                return path
            seen.add((current.module.name, current.node.name))
            for module, member in self._members(current.module, current.node):
                group = self._group_class(module, member)
                if group is not None and (group[0].name, group[1].name) not in seen:
                    assert isinstance(member, ast.FunctionDef)
                    queue.append(
                        (self.classes[(group[0].name, group[1].name)], (*path, member.name))
                    )
        raise GenerateError(f"{sync.node.name} is not reachable from the client")

    def _is_overloaded(self, sync: SyncClass, name: str) -> bool:
        return any(
            f.name == name and any(_decorator_name(d) == "overload" for d in f.decorator_list)
            for _, stmt in self._members(sync.module, sync.node)
            for f in _functions([stmt])
        )

    def _arguments(self, module: Module, args: ast.arguments) -> ast.arguments:
        out = copy.deepcopy(args)
        for arg in [*out.posonlyargs, *out.args, *out.kwonlyargs, out.vararg, out.kwarg]:
            if arg is not None and arg.annotation is not None:
                arg.annotation = self._annotation(module, arg.annotation)
        for default in [*out.defaults, *out.kw_defaults]:
            if default is not None:
                for name in _names(default):
                    self.use(module, name, runtime=True)
        return out

    def _annotation(self, module: Module, node: ast.expr) -> ast.expr:
        """An annotation with twin names swapped in, each other name imported for checkers."""
        node = copy.deepcopy(node)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            inner = self._annotation(module, ast.parse(node.value, mode="eval").body)
            return ast.Constant(ast.unparse(inner))
        generator = self

        class Rename(ast.NodeTransformer):
            def visit_Name(self, name: ast.Name) -> ast.expr:
                twin = generator.twin_of(module, name.id)
                if twin is not None:
                    return ast.copy_location(ast.Name(twin), name)
                generator.use(module, name.id, runtime=False)
                return name

            def visit_Attribute(self, attribute: ast.Attribute) -> ast.expr:
                root = attribute
                while isinstance(root, ast.Attribute):
                    root = root.value  # type: ignore[assignment]
                if isinstance(root, ast.Name):
                    generator.use(module, root.id, runtime=False)
                return attribute

            def visit_Subscript(self, subscript: ast.Subscript) -> ast.expr:
                if _outer(subscript) in ("Literal", "Annotated"):
                    # Their strings are values, not names: only the outer name is imported.
                    self.visit(subscript.value)
                    return subscript
                self.generic_visit(subscript)
                return subscript

        result = Rename().visit(node)
        assert isinstance(result, ast.expr)
        return result

    def _sync_return(self, module: Module, node: ast.expr | None) -> ast.expr | None:
        """A return annotation with an outer async iterator or manager made sync."""
        if node is None:
            return None
        node = _unquote(node)
        assert node is not None
        outer = _outer(node)
        if isinstance(node, ast.Subscript) and (
            outer in _ASYNC_ITERATORS or outer in _ASYNC_MANAGERS
        ):
            inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
            if outer in _ASYNC_ITERATORS:
                self._add("Iterator", ("from", "collections.abc", "Iterator"), runtime=False)
                return ast.Subscript(ast.Name("Iterator"), self._annotation(module, inner))
            self._add(
                "AbstractContextManager",
                ("from", "contextlib", "AbstractContextManager"),
                runtime=False,
            )
            return ast.Subscript(
                ast.Name("AbstractContextManager"), self._annotation(module, inner)
            )
        return self._annotation(module, node)

    def _manager_return(self, module: Module, node: ast.expr | None) -> ast.expr | None:
        """``@asynccontextmanager`` over ``AsyncIterator[X]``: ``AbstractContextManager[X]``."""
        if not isinstance(node, ast.Subscript) or _outer(node) not in _ASYNC_ITERATORS:
            return None
        inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
        self._add(
            "AbstractContextManager",
            ("from", "contextlib", "AbstractContextManager"),
            runtime=False,
        )
        return ast.Subscript(ast.Name("AbstractContextManager"), self._annotation(module, inner))


# --- small AST helpers ---------------------------------------------------------------------


def _functions(body: list[ast.stmt]) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    out: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append(stmt)
        elif isinstance(stmt, ast.If):
            out.extend(_functions(stmt.body) + _functions(stmt.orelse))
    return out


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _is_type_checking(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "TYPE_CHECKING") or (
        isinstance(node, ast.Attribute) and node.attr == "TYPE_CHECKING"
    )


def _unquote(node: ast.expr | None) -> ast.expr | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return ast.parse(node.value, mode="eval").body
    return node


def _outer(node: ast.expr | None) -> str:
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _names(node: ast.AST) -> list[str]:
    """The root names an expression reads (``a`` of ``a.b.c``)."""
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]


def _yields(node: ast.AsyncFunctionDef) -> bool:
    """Whether the function itself (not a nested one) yields: an async generator."""
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(current))
    return False


def _target() -> ast.expr:
    return ast.Attribute(ast.Name("self"), "_target")


def _retarget(node: ast.AST) -> None:
    """Point the call at the local ``target`` (typed ``Any``) instead of ``self._target``."""
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Attribute):
            inner = child.value
            if (
                isinstance(inner.value, ast.Name)
                and inner.value.id == "self"
                and inner.attr == "_target"
            ):
                child.value = ast.Name("target")


def _self_call(method: str, arg: ast.expr) -> ast.Call:
    return ast.Call(ast.Attribute(ast.Name("self"), method), [arg], [])


def _call(func: ast.expr, args: ast.arguments | None) -> ast.Call:
    """Call ``func`` with the parameters of ``args`` forwarded, minus ``self``."""
    if args is None:
        return ast.Call(func, [], [])
    positional = [*args.posonlyargs, *args.args][1:]
    values: list[ast.expr] = [ast.Name(a.arg) for a in args.posonlyargs[1:]]
    keywords: list[ast.keyword] = []
    named = positional[len(args.posonlyargs) - 1 :] if args.posonlyargs else positional
    if args.vararg is not None:
        values.extend(ast.Name(a.arg) for a in named)
        values.append(ast.Starred(ast.Name(args.vararg.arg)))
    else:
        keywords.extend(ast.keyword(a.arg, ast.Name(a.arg)) for a in named)
    keywords.extend(ast.keyword(a.arg, ast.Name(a.arg)) for a in args.kwonlyargs)
    if args.kwarg is not None:
        keywords.append(ast.keyword(None, ast.Name(args.kwarg.arg)))
    return ast.Call(func, values, keywords)


def _self_only() -> ast.arguments:
    return ast.arguments([], [ast.arg("self")], None, [], [], None, [])


def _no_arguments() -> ast.arguments:
    return ast.arguments([], [], None, [], [], None, [])


def _type_params() -> dict[str, Any]:
    return {"type_params": []} if sys.version_info >= (3, 12) else {}


def _function(
    name: str,
    args: ast.arguments,
    returns: ast.expr | None,
    body: list[ast.stmt],
    decorators: list[ast.expr] | None = None,
) -> ast.FunctionDef:
    return ast.FunctionDef(name, args, body, decorators or [], returns, None, **_type_params())


# --- output, and the staleness check -------------------------------------------------------


def header(target: Target) -> str:
    return (
        f"# Generated by scripts/generate_sync.py from {target.source}: do not edit by hand.\n"
        f"# Regenerate with `{REGENERATE}` (or `nox -s generate`);\n"
        f"# `{REGENERATE} --check` fails when this file is stale.\n"
    )


def output_path(target: Target, root: Path = ROOT) -> Path:
    return root.joinpath(*target.output.split(".")).with_suffix(".py")


def render(target: Target, root: Path = ROOT) -> ast.Module:
    """The generated module's syntax tree, unformatted."""
    return Generator(target, Sources(root)).module()


def formatted(target: Target, root: Path = ROOT) -> str:
    """The generated module's text: ``ast.unparse``, then ruff's import order and layout."""
    text = header(target) + ast.unparse(render(target, root)) + "\n"
    name = str(output_path(target, root).relative_to(root))
    for command in (["check", "--fix", "--select", "I", "--quiet"], ["format"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--stdin-filename", name, "-"],
            input=text,
            capture_output=True,
            text=True,
            cwd=root,
            check=False,
        )
        if done.returncode != 0:
            raise GenerateError(f"ruff {command[0]} failed on the generated {name}:\n{done.stderr}")
        text = done.stdout
    return text


def canonical(tree: ast.Module) -> str:
    """A dump of the tree in which the order and grouping of imports does not matter."""

    def normalise(body: list[ast.stmt]) -> list[str]:
        imports: list[str] = []
        rest: list[str] = []
        for stmt in body:
            if isinstance(stmt, ast.ImportFrom):
                imports.extend(
                    f"from {'.' * stmt.level}{stmt.module} import {a.name} as {a.asname}"
                    for a in stmt.names
                )
            elif isinstance(stmt, ast.Import):
                imports.extend(f"import {a.name} as {a.asname}" for a in stmt.names)
            elif (
                isinstance(stmt, ast.If)
                and _is_type_checking(stmt.test)
                and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in stmt.body)
            ):
                rest.append("TYPE_CHECKING: " + repr(normalise(stmt.body)))
            else:
                rest.append(ast.dump(stmt))
        return sorted(imports) + rest

    return "\n".join(normalise(tree.body))


def stale(target: Target, root: Path = ROOT) -> str | None:
    """Why the checked-in module is stale, or ``None`` when it is what the source gives."""
    path = output_path(target, root)
    relative = path.relative_to(root)
    if not path.is_file():
        return f"{relative} is missing: run `{REGENERATE}`"
    text = path.read_text(encoding="utf-8")
    if not text.startswith(header(target)):
        return f"{relative} lost its generated-file header: run `{REGENERATE}`"
    fresh = ast.parse(ast.unparse(render(target, root)))
    if canonical(ast.parse(text)) != canonical(fresh):
        return (
            f"{relative} is stale: the async API changed since it was generated. "
            f"Run `{REGENERATE}` (or `nox -s generate`) and commit the result."
        )
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="fail when a generated file is stale")
    options = parser.parse_args(argv)
    try:
        if options.check:
            problems = [p for p in (stale(t) for t in TARGETS) if p]
            for problem in problems:
                print(problem, file=sys.stderr)
            return 1 if problems else 0
        for target in TARGETS:
            path = output_path(target)
            text = formatted(target)
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(ROOT)}")
    except GenerateError as exc:
        print(f"generate_sync: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
