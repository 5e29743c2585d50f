"""Key figures: one language-independent value, shown in each language's own number style."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

APPROX = ("exact", "more_than", "over", "nearly")


@dataclass(frozen=True)
class KeyFigure:
    """A figure from a case's results: the value is a fact; labels are per language."""

    id: str
    value: int | float | tuple  # a number, or (low, high) for a range
    unit: str                   # a unit code from the interface data: people, yuan, percent…
    approx: str                 # exact | more_than (余) | over (超) | nearly (近)
    labels: dict[str, str]      # language code → label
    area: str | None = None     # the area it belongs to, in a case that spans several
    projected: bool = False     # a figure the text says could or will be reached (可提高, 预计), not one reached


def format_number(value: int | float, style: dict) -> tuple[str, str]:
    """Return (digits, magnitude word): 37840000 → ('3784', '万') in Chinese, ('37.84', ' million') in English."""
    number, magnitude = Decimal(str(value)), ""
    for size, word in style.get("magnitudes", []):
        scaled = number / Decimal(size)
        if number >= size and scaled == scaled.quantize(Decimal("0.01")):
            number, magnitude = scaled, word
            break
    number = number.normalize()
    whole, _, fraction = f"{number:f}".partition(".")
    group = style.get("group", "")
    if group:
        whole = f"{int(whole):,}".replace(",", group)
    digits = whole + (style.get("decimal", ".") + fraction if fraction else "")
    return digits, magnitude


def format_figure(figure: KeyFigure, ui: dict) -> str:
    """Return the figure's value as a reader of that language writes it, unit and qualifier included."""
    unit = ui["units"][figure.unit]
    patterns = ui["figure"]

    def one(value, pattern):
        digits, magnitude = format_number(value, ui["number"])
        return pattern.format(prefix=unit.get("prefix", ""), number=digits, magnitude=magnitude,
                              suffix=unit.get("suffix", ""))

    if isinstance(figure.value, tuple):
        low, high = (one(v, patterns["exact"]) for v in figure.value)
        return patterns["range"].format(low=low, high=high)
    return one(figure.value, patterns[figure.approx])
