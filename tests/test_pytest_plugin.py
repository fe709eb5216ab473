"""The plugin's fixtures work out of the box in a user's suite, whichever async runner it uses.

Each test runs pytest in a subprocess on a small test file, as a user's project would, with
warnings as errors.
"""

from __future__ import annotations

import importlib.metadata

import pytest

pytestmark = pytest.mark.anyio
pytest_plugins = ["pytester"]

USER_TEST = """
async def test_poster(ideogram_client, ideogram_emulator):
    ideogram_emulator.fail_next(503)
    result = await ideogram_client.v3.generate(prompt="a poster", seed=1)
    assert (await ideogram_client.download(result.data[0])).startswith(b"\\x89PNG")
    assert [r.status for r in ideogram_emulator.requests][:2] == [503, 200]
"""


def _plugin_args() -> list[str]:
    """Load the plugin by name when this checkout is not installed (no entry point)."""
    installed = any(
        entry.value == "ideogram_async.testing.pytest_plugin"
        for entry in importlib.metadata.entry_points(group="pytest11")
    )
    return [] if installed else ["-p", "ideogram_async.testing.pytest_plugin"]


def test_anyio_on_asyncio_and_trio_without_an_anyio_backend_fixture(
    pytester: pytest.Pytester,
) -> None:
    """Under anyio's plugin the fixtures work on both backends; the user writes no fixture."""
    pytester.makepyfile(
        "import pytest\n\npytestmark = pytest.mark.anyio\n"
        + USER_TEST
        + """

@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_on_each_backend(ideogram_client, anyio_backend):
    result = await ideogram_client.v3.generate(prompt="a fox")
    assert result.data
"""
    )
    result = pytester.runpytest_subprocess(*_plugin_args(), "-p", "no:asyncio", "-W", "error")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 3, result.stdout.str()
    assert set(outcomes) == {"passed"}, result.stdout.str()


def test_pytest_asyncio_strict_mode(pytester: pytest.Pytester) -> None:
    """Under pytest-asyncio's strict mode, tests marked ``asyncio`` get a working client."""
    pytest.importorskip("pytest_asyncio")
    pytester.makepyfile(
        "import pytest\n\npytestmark = pytest.mark.asyncio\n" + USER_TEST,
    )
    result = pytester.runpytest_subprocess(
        *_plugin_args(),
        "-p",
        "no:anyio",
        "-o",
        "asyncio_mode=strict",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        "-W",
        "error",
    )
    result.assert_outcomes(passed=1)


def test_pytest_asyncio_auto_mode(pytester: pytest.Pytester) -> None:
    """Under pytest-asyncio's auto mode, unmarked async tests get a working client."""
    pytest.importorskip("pytest_asyncio")
    pytester.makepyfile(USER_TEST)
    result = pytester.runpytest_subprocess(
        *_plugin_args(),
        "-p",
        "no:anyio",
        "-o",
        "asyncio_mode=auto",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        "-W",
        "error",
    )
    result.assert_outcomes(passed=1)
