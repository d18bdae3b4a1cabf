"""The hook reference (docs/hooks.md) and the hookspecs (core/plugin/hookspecs.py)
stay in step: every hook documented, nothing documented that does not exist,
the same arguments, in the same order. Modelled on Datasette's test_docs.py."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from core.plugin import hookspecs

HOOKS_MD = Path(__file__).resolve().parent.parent / "docs" / "hooks.md"
# "## record_changed(company, record, action, changes)"; annotations tolerated.
HEADING = re.compile(r"^##\s+([a-z_][a-z0-9_]*)\((.*)\)\s*$", re.MULTILINE)
MARKER = f"{hookspecs.PROJECT}_spec"  # set by pluggy's HookspecMarker


def hookspec_functions() -> dict[str, object]:
    """Hookspecs of core/plugin/hookspecs.py, in definition order."""
    return {name: fn for name, fn in vars(hookspecs).items()
            if inspect.isfunction(fn) and hasattr(fn, MARKER)}


def documented_hooks() -> dict[str, list[str]]:
    """``## name(args)`` headings of docs/hooks.md → argument names."""
    found: dict[str, list[str]] = {}
    for name, args in HEADING.findall(HOOKS_MD.read_text(encoding="utf-8")):
        assert name not in found, f"docs/hooks.md documents {name} twice"
        found[name] = [a.split(":")[0].strip() for a in args.split(",") if a.strip()]
    return found


SPECS = hookspec_functions()


def test_hookspecs_are_found():
    # Guards the discovery itself: an empty list would make every test pass.
    assert "register_models" in SPECS and "record_changed" in SPECS


@pytest.mark.parametrize("name", list(SPECS))
def test_hook_is_documented(name):
    assert name in documented_hooks(), (
        f"hook {name} has no '## {name}(...)' section in docs/hooks.md")


@pytest.mark.parametrize("name", list(SPECS))
def test_documented_arguments_match_spec(name):
    expected = list(inspect.signature(SPECS[name]).parameters)
    documented = documented_hooks().get(name)
    if documented is None:
        pytest.skip(f"{name} is undocumented (see test_hook_is_documented)")
    assert documented == expected, (
        f"docs/hooks.md documents {name}({', '.join(documented)}), "
        f"core/plugin/hookspecs.py defines {name}({', '.join(expected)})")


def test_no_documentation_for_missing_hooks():
    extra = sorted(set(documented_hooks()) - set(SPECS))
    assert not extra, f"docs/hooks.md documents hooks that core/plugin/hookspecs.py lacks: {extra}"


def test_hooks_are_documented_in_spec_order():
    documented = [name for name in documented_hooks() if name in SPECS]
    assert documented == [name for name in SPECS if name in documented]


@pytest.mark.parametrize("name", list(SPECS))
def test_hookspec_is_typed_and_explained(name):
    # DESIGN.md: every hookspec is typed and its docstring says what it does.
    fn = SPECS[name]
    signature = inspect.signature(fn)
    untyped = [p for p, param in signature.parameters.items()
               if param.annotation is inspect.Parameter.empty]
    assert not untyped, f"hookspec {name}: arguments without a type: {untyped}"
    assert signature.return_annotation is not inspect.Signature.empty, f"hookspec {name}: no return type"
    doc = inspect.getdoc(fn) or ""
    assert doc, f"hookspec {name} has no docstring"
    for arg in signature.parameters:
        assert f":param {arg}:" in doc, f"hookspec {name}: docstring does not describe {arg}"
