"""DaCapo's model pairs (student / teacher), by the names the CLI and reports use."""

from __future__ import annotations

from ..errors import DseError

#: pair key (figure9.csv's `pair`) -> (student, teacher); reference/dacapo.md, "Evaluation setup"
PAIRS: dict[str, tuple[str, str]] = {
    "resnet18-wrn50": ("resnet18", "wide_resnet50_2"),
    "vit_b32-vit_b16": ("vit_b_32", "vit_b_16"),
    "resnet34-wrn101": ("resnet34", "wide_resnet101_2"),
}


def resolve_pair(name: str) -> tuple[str, str]:
    """A pair key, or a student name (`resnet18`, `vit_b_32`, `resnet34`)."""
    if name in PAIRS:
        return PAIRS[name]
    for student, teacher in PAIRS.values():
        if name == student:
            return student, teacher
    known = ", ".join([*PAIRS, *(s for s, _ in PAIRS.values())])
    raise DseError("--pair", f"unknown pair {name!r} (known: {known})")
