"""Project-wide rules that no single package owns."""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).parents[1]


def test_no_module_constant_is_reassigned_from_outside():
    """Constants are passed in (`dse.SimParams`, function arguments), never set on a module:
    no `module.NAME = ...`, `setattr(module, "NAME", ...)` or monkeypatch of an upper-case name."""
    offenders = []
    for path in [*ROOT.glob("dse/**/*.py"), *ROOT.glob("scripts/*.py"), *ROOT.glob("tests/**/*.py"),
                 *ROOT.glob("accel/*.py"), *ROOT.glob("workloads/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AugAssign | ast.AnnAssign) else []
            for t in targets:
                if isinstance(t, ast.Attribute) and t.attr.isupper() and isinstance(t.value, ast.Name):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {t.value.id}.{t.attr} =")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "setattr" \
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                    and str(node.args[1].value).isupper():
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: setattr(..., {node.args[1].value!r})")
    assert offenders == []


def test_the_wheel_ships_every_package_and_the_studies():
    """Automatic discovery: every folder with Python modules under dse/, accel/ and workloads/ is
    a package (has __init__.py), so setuptools finds it; the shipped studies ride along."""
    for top in ("dse", "accel", "workloads"):
        for folder in {p.parent for p in (ROOT / top).rglob("*.py")}:
            assert (folder / "__init__.py").exists(), folder
    assert sorted(p.name for p in (ROOT / "dse" / "studies_data").glob("*.toml")) == \
        sorted(p.name for p in (ROOT / "studies").glob("*.toml"))
