"""Model pairs (student / teacher) by the names the CLI and reports use: DaCapo's, and the demo
stream's model family."""

from __future__ import annotations

from workloads.zoo.digits import FAMILY as DIGITS_FAMILY
from workloads.zoo.digits import TEACHER as DIGITS_TEACHER

from ..errors import DseError

#: pair key (figure9.csv's `pair`) -> (student, teacher); reference/dacapo.md, "Evaluation setup"
PAIRS: dict[str, tuple[str, str]] = {
    "resnet18-wrn50": ("resnet18", "wide_resnet50_2"),
    "vit_b32-vit_b16": ("vit_b_32", "vit_b_16"),
    "resnet34-wrn101": ("resnet34", "wide_resnet101_2"),
    # the demo stream's CNN family (`dse proxies profile demo`): the largest member trains
    "digits-family": (DIGITS_FAMILY[-1], DIGITS_TEACHER),
}

#: DaCapo's three pairs (its Figure 9 and the GPU baselines' recipes are for these).
DACAPO_PAIRS: tuple[str, ...] = ("resnet18-wrn50", "vit_b32-vit_b16", "resnet34-wrn101")

#: training student -> the family members a model-family policy may deploy (smallest first). A
#: family shares its training (one set of weights, as Dynamic-OFA's sub-networks): each member's
#: accuracy after e epochs of it is that member's own measured curve.
FAMILIES: dict[str, tuple[str, ...]] = {DIGITS_FAMILY[-1]: DIGITS_FAMILY}


def resolve_pair(name: str) -> tuple[str, str]:
    """A pair key, or a student name (`resnet18`, `vit_b_32`, `resnet34`)."""
    if name in PAIRS:
        return PAIRS[name]
    for student, teacher in PAIRS.values():
        if name == student:
            return student, teacher
    known = ", ".join([*PAIRS, *(s for s, _ in PAIRS.values())])
    raise DseError("--pair", f"unknown pair {name!r} (known: {known})")
