"""A bar chart drawn on the server as SVG geometry: no chart library, no script.

>>> from datetime import date
>>> from credstack.services.dashboard import WeekCount
>>> chart = bar_chart([WeekCount(date(2026, 3, 2), 2), WeekCount(date(2026, 3, 9), 4)])
>>> [(bar.label, bar.value, bar.height) for bar in chart.bars]
[('2 Mar', 2, 85.0), ('9 Mar', 4, 170.0)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from credstack.services.dashboard import WeekCount

WIDTH: Final = 600
HEIGHT: Final = 220
# Room for the value above a bar and the week's label below the axis.
TOP: Final = 20
BOTTOM: Final = 30
LEFT: Final = 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]


def bar_chart(weeks: Sequence[WeekCount]) -> BarChart:
    """Bars for ``weeks``, scaled so the largest fills the plot (an empty chart stays flat)."""
    baseline = float(HEIGHT - BOTTOM)
    plot = baseline - TOP
    top = max((week.issued for week in weeks), default=0) or 1
    slot = (WIDTH - LEFT) / max(len(weeks), 1)
    bars = []
    for n, week in enumerate(weeks):
        height = plot * week.issued / top
        bars.append(
            Bar(
                x=LEFT + n * slot + slot * 0.15,
                y=baseline - height,
                width=slot * 0.7,
                height=height,
                label=f"{week.start.day} {week.start:%b}",
                value=week.issued,
            )
        )
    return BarChart(WIDTH, HEIGHT, baseline, tuple(bars))
