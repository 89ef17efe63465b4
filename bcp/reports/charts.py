"""Small SVG bar charts rendered on the server: no script, nothing to vendor."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str


def duration_bar(label: str, seconds: float | None) -> Bar:
    """A bar as long as the duration it shows, rounded to the minute: a median under half a
    minute reads "0 min" and draws no bar, rather than the full width of a chart of zeros."""
    shown = round(seconds / 60) if seconds is not None else 0
    return Bar(label, shown, minutes(seconds))


def bar_chart(title: str, bars: list[Bar], width: int = 400, bar_height: int = 22) -> str:
    """The chart is drawn in a box `width` units wide, scaled to its container: its text stays
    legible (about 12 px) in a card a third of a desktop or a phone wide."""
    label_width, gap = 110, 6
    height = 30 + len(bars) * (bar_height + gap)
    top = max((b.value for b in bars), default=0) or 1
    span = width - label_width - 64
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for index, bar in enumerate(bars):
        y = 28 + index * (bar_height + gap)
        length = max(bar.value / top * span, 1 if bar.value else 0)
        parts += [
            f'<text x="0" y="{y + bar_height - 6}" font-size="14">{escape(bar.label)}</text>',
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="#000091"/>',
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height - 6}" font-size="14">'
            f"{escape(bar.text)}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    total = round(seconds / 60)
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins:02d}" if hours else f"{mins} min"
