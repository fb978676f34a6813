"""Small charts drawn on the server as SVG: no chart library, no CDN, no inline styles.

Colours are SVG presentation attributes (allowed by the strict Content-Security-Policy,
unlike `style` attributes); every text is escaped; every chart has a title for screen
readers and a table or list next to it on the page carries the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colour per theme priority (1 = highest); contrast-checked against white text and bg.
PRIORITY_COLOURS = {1: "#0b5cad", 2: "#3d8bd4", 3: "#8fb8e3"}
DEFAULT_COLOUR = "#9aa5b1"
TRACK_COLOUR = "#e5e9ef"
TEXT_COLOUR = "#1b1f24"
MUTED_COLOUR = "#57606a"
FAILED_COLOUR = "#b42318"
# A project's own score, as its bar is labelled beside a call's priority-weighted Passung
PROJECT_SCORE_NAME = "Projekt-Passung"


def _fmt(number: float) -> str:
    """Coordinates with at most one decimal (keeps the SVG small)."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def score_bar(
    score: float | None, scale: float = 1.0, width: int = 72, name: str = "Passung"
) -> Markup:
    """A small horizontal bar for a match score, relative to `scale` (the best score).

    `name` labels the number: "Projekt-Passung" where a call's own (priority-weighted)
    Passung stands beside the bars, so that the two numbers are not taken for one.
    """
    value = max(0.0, min((score or 0.0) / (scale or 1.0), 1.0))
    filled = _fmt(width * value)
    label = f"{name} {score or 0:.2f}".replace(".", ",")
    return Markup(
        f'<svg class="score-bar" width="{width}" height="10" viewBox="0 0 {width} 10" '
        f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f'<rect width="{width}" height="10" rx="3" fill="{TRACK_COLOUR}"/>'
        f'<rect width="{filled}" height="10" rx="3" fill="{PRIORITY_COLOURS[1]}"/></svg>'
    )


@dataclass(slots=True)
class Bar:
    """One bar of a horizontal bar chart."""

    label: str
    value: int
    colour: str = PRIORITY_COLOURS[1]
    note: str = ""  # shown after the label, e.g. "Priorität 1"


def horizontal_bars(
    bars: Sequence[Bar],
    title: str,
    *,
    width: int = 640,
    label_width: int = 260,
    row_height: int = 30,
    legend: Sequence[tuple[str, str]] = (),
) -> Markup:
    """A horizontal bar chart with labels left and values right of each bar."""
    top = 8
    legend_height = 26 if legend else 0
    height = top + row_height * len(bars) + legend_height + 4
    bar_area = width - label_width - 50
    biggest = max((b.value for b in bars), default=0) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = top + i * row_height
        length = bar_area * bar.value / biggest
        label = bar.label if len(bar.label) <= 34 else bar.label[:33] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + row_height / 2 + 4}" text-anchor="end" '
            f'font-size="13" fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 5}" width="{_fmt(bar_area)}" '
            f'height="{row_height - 10}" rx="3" fill="{TRACK_COLOUR}"/>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 5}" width="{_fmt(length)}" '
            f'height="{row_height - 10}" rx="3" fill="{escape(bar.colour)}">'
            f"<title>{escape(bar.label)}: {bar.value}{escape(bar.note)}</title></rect>"
        )
        parts.append(
            f'<text x="{_fmt(label_width + length + 6)}" y="{y + row_height / 2 + 4}" '
            f'font-size="13" font-weight="600" fill="{TEXT_COLOUR}">{bar.value}</text>'
        )
    if legend:
        y = top + row_height * len(bars) + 8
        x = label_width
        for text, colour in legend:
            parts.append(
                f'<rect x="{x}" y="{y}" width="12" height="12" rx="2" fill="{escape(colour)}"/>'
            )
            parts.append(
                f'<text x="{x + 17}" y="{y + 11}" font-size="12" fill="{MUTED_COLOUR}">'
                f"{escape(text)}</text>"
            )
            x += 28 + 7 * len(text)
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(slots=True)
class Column:
    """One column of a small column chart (e.g. calls found in one scrape run)."""

    label: str
    value: int
    failed: bool = False


def columns(values: Sequence[Column], title: str, *, width: int = 220, height: int = 48) -> Markup:
    """A compact column chart (sparkline style); failed runs are drawn red at full height."""
    if not values:
        return Markup("")
    biggest = max((v.value for v in values), default=0) or 1
    gap = 2
    slot = min(width / len(values), 14.0)  # a few runs stay thin columns, not blocks
    col_width = max(slot - gap, 1.5)
    parts = [
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" '
        f'stroke="{TRACK_COLOUR}"/>',
    ]
    for i, v in enumerate(values):
        h = (height - 4) * v.value / biggest if not v.failed else height - 4
        h = max(h, 1.5)
        colour = FAILED_COLOUR if v.failed else PRIORITY_COLOURS[2]
        tip = f"{v.label}: {'Fehler' if v.failed else v.value}"
        parts.append(
            f'<rect x="{_fmt(i * slot)}" y="{_fmt(height - h)}" width="{_fmt(col_width)}" '
            f'height="{_fmt(h)}" fill="{colour}"><title>{escape(tip)}</title></rect>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
