"""Parse row-count lists such as ``16``, ``1-16`` or ``3,13`` (CLI `--rows`)."""

from __future__ import annotations

from ..errors import DseError


def parse_rows(text: str, field: str = "--rows") -> list[int]:
    values: list[int] = []
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                low_text, high_text = part.split("-", 1)
                low, high = int(low_text), int(high_text)
                if low > high:
                    raise DseError(field, f"range {part!r} has low > high")
                values.extend(range(low, high + 1))
            else:
                values.append(int(part))
        except ValueError:
            raise DseError(field, f"expected N, N-M or a comma list, got {text!r}") from None
    if not values or min(values) < 1:
        raise DseError(field, f"row counts must be >= 1, got {text!r}")
    return values
