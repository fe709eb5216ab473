"""``ideogram_async.__all__`` is exactly the public surface, and the surface is complete."""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

import attrs
import pytest

import ideogram_async as ia

pytestmark = pytest.mark.anyio

INIT = Path(ia.__file__)


def public_names_defined_in_init() -> set[str]:
    """Every name ``__init__.py`` binds at module level, minus private ones and ``__all__``."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    names: set[str] = set()
    body = list(tree.body)
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            body += node.body  # names loaded on first use (``_LAZY``), imported for checkers
    for node in body:
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    names.discard("annotations")  # from __future__ import annotations
    names.discard("TYPE_CHECKING")
    names.discard("__all__")
    return {name for name in names if not name.startswith("_") or name == "__version__"}


def private_modules() -> list[ModuleType]:
    """Every module of the core package (its optional subpackages left out)."""
    modules = []
    for info in pkgutil.walk_packages(ia.__path__, prefix="ideogram_async."):
        parts = info.name.split(".")
        if all(part.startswith("_") for part in parts[1:]):
            modules.append(importlib.import_module(info.name))
    return modules


def classes_defined_in(module: ModuleType) -> list[type]:
    """The public classes a module defines (not those it imports)."""
    return [
        obj
        for name, obj in vars(module).items()
        if inspect.isclass(obj) and obj.__module__ == module.__name__ and not name.startswith("_")
    ]


def test_all_is_exactly_the_public_names_of_init() -> None:
    """``__all__`` lists every public name ``__init__.py`` binds, and nothing else."""
    assert set(ia.__all__) == public_names_defined_in_init()


def test_all_has_no_duplicates() -> None:
    """No name is listed twice in ``__all__``."""
    assert len(ia.__all__) == len(set(ia.__all__))


@pytest.mark.parametrize("name", ia.__all__)
def test_every_listed_name_is_importable(name: str) -> None:
    """``from ideogram_async import <name>`` works for every name in ``__all__``."""
    namespace: dict[str, object] = {}
    exec(f"from ideogram_async import {name}", namespace)
    assert namespace[name] is getattr(ia, name)


def test_star_import_gives_exactly_all() -> None:
    """``from ideogram_async import *`` binds exactly ``__all__``."""
    namespace: dict[str, object] = {}
    exec("from ideogram_async import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(ia.__all__)


def test_nothing_private_leaks() -> None:
    """Only ``__version__`` may start with an underscore; private modules are not listed."""
    leaked = [name for name in ia.__all__ if name.startswith("_") and name != "__version__"]
    assert leaked == []
    assert isinstance(ia.__version__, str)
    assert ia.__version__


def test_every_exception_is_exported() -> None:
    """Every exception class the package defines, anywhere, can be imported from the top."""
    defined = {
        cls
        for module in private_modules()
        for cls in classes_defined_in(module)
        if issubclass(cls, BaseException)
    }
    assert ia.IdeogramError in defined
    assert {cls for cls in defined if getattr(ia, cls.__name__, None) is not cls} == set()
    assert all(cls.__name__ in ia.__all__ for cls in defined)


def test_every_exception_derives_from_ideogram_error() -> None:
    """Every exported exception can be caught as ``IdeogramError``."""
    exported = [getattr(ia, n) for n in ia.__all__]
    errors = [obj for obj in exported if inspect.isclass(obj) and issubclass(obj, BaseException)]
    assert len(errors) >= 17
    assert all(issubclass(cls, ia.IdeogramError) for cls in errors)


def test_every_enum_is_exported() -> None:
    """Every public enum (``ideogram_async._enums``) is importable from the top."""
    from ideogram_async import _enums

    enums = [cls for cls in classes_defined_in(_enums) if issubclass(cls, enum.Enum)]
    assert len(enums) >= 17
    values = {name for name in _enums.__all__ if name.endswith("Value")}
    assert set(_enums.__all__) - values == {cls.__name__ for cls in enums}
    assert all(name in ia.__all__ for name in values)
    for cls in enums:
        assert cls.__name__ in ia.__all__
        assert getattr(ia, cls.__name__) is cls


def test_every_result_model_is_exported() -> None:
    """Every result model (``ideogram_async._models``) is importable from the top."""
    from ideogram_async import _models

    models = [cls for cls in classes_defined_in(_models) if attrs.has(cls)]
    assert len(models) >= 20
    assert ia.ImageResolution.__name__ in ia.__all__
    for cls in models:
        assert cls.__name__ in ia.__all__
        assert getattr(ia, cls.__name__) is cls


def test_exported_classes_come_from_the_package() -> None:
    """Every exported class is the package's own, not a re-export of a dependency's."""
    for name in ia.__all__:
        obj = getattr(ia, name)
        if inspect.isclass(obj):
            assert obj.__module__.startswith("ideogram_async."), name
            assert obj.__name__ == name


def test_the_webhooks_module_main_names_are_exported() -> None:
    """``ideogram_async.webhooks``'s verifier, event, keys and errors are also top-level names."""
    from ideogram_async import webhooks

    main = {
        "WebhookEvent",
        "WebhookHeaderError",
        "WebhookHeaders",
        "WebhookKey",
        "WebhookKeysUnavailableError",
        "WebhookPayloadError",
        "WebhookSignatureError",
        "WebhookTimestampError",
        "WebhookVerificationError",
        "WebhookVerifier",
        "parse_jwks",
        "verify_webhook",
    }
    assert main <= set(webhooks.__all__)
    assert main <= set(ia.__all__)
    for name in main:
        assert getattr(ia, name) is getattr(webhooks, name)
    assert all(hasattr(webhooks, name) for name in webhooks.__all__)


def test_the_sync_client_is_exported_beside_the_async_one() -> None:
    """``Ideogram``, the generated sync facade, is exported beside ``AsyncIdeogram``."""
    from ideogram_async import _sync

    assert ia.Ideogram is _sync.Ideogram
    assert {"AsyncIdeogram", "Ideogram"} <= set(ia.__all__)


def test_lazy_names_are_the_ones_imported_for_type_checkers() -> None:
    """Every name loaded on first use is imported under ``TYPE_CHECKING`` from its module."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    checked = {
        alias.name: f".{node.module}"
        for block in tree.body
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert checked == ia._LAZY
    assert "Batch" in dir(ia)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = ia.Nope


def test_importing_the_package_does_not_load_the_batch_engine() -> None:
    """``import ideogram_async`` leaves the batch modules for first use (import time)."""
    import subprocess
    import sys

    check = (
        "import sys, ideogram_async as ia; "
        "assert not [m for m in sys.modules if m.startswith('ideogram_async._batch')]; "
        "ia.Batch; assert 'ideogram_async._batch' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", check], check=True)


def test_the_budget_protocol_and_its_state_are_exported() -> None:
    """``Budget``, ``BudgetState`` and ``InflightBudget`` are public, from ``_budget``."""
    for name in ("Budget", "BudgetState", "InflightBudget"):
        assert name in ia.__all__
        assert getattr(ia, name).__module__ == "ideogram_async._budget"


def test_download_error_is_exported_as_an_api_error_but_not_a_status_error() -> None:
    """``DownloadError`` is public, caught by ``except APIError``, and never taken for the
    API's own 401/403 (``APIStatusError``)."""
    assert "DownloadError" in ia.__all__
    assert issubclass(ia.DownloadError, ia.APIError)
    assert not issubclass(ia.DownloadError, ia.APIStatusError)
