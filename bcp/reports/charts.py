"""Small SVG bar charts rendered on the server: no script, nothing to vendor."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str


def bar_chart(title: str, bars: list[Bar], width: int = 560, bar_height: int = 22) -> str:
    label_width, gap = 170, 6
    height = 30 + len(bars) * (bar_height + gap)
    top = max((b.value for b in bars), default=0) or 1
    span = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, bar in enumerate(bars):
        y = 28 + index * (bar_height + gap)
        length = max(bar.value / top * span, 1 if bar.value else 0)
        parts += [
            f'<text x="0" y="{y + bar_height - 6}" font-size="12">{escape(bar.label)}</text>',
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="#000091"/>',
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height - 6}" font-size="12">'
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
