"""The frame every inline-SVG chart is drawn in: no chart service, no JavaScript.

A chart module (the staff figures, a profile's reputation) lays its marks out through a
Frame: the plot area inside the margins that leave room for the axis labels, a value axis
in round steps (Scale), and the mapping of values to coordinates. Templates draw what it
returns. Coordinates are rounded to a tenth of a pixel, so the SVG stays short and the same
figures always give the same markup.
"""

import math
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Tick:
    """A label on an axis: where it goes (an x or a y) and the value it shows."""

    at: float
    value: int | date


def nice_step(highest: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5 × 10^n) so that about `ticks` steps cover `highest`."""
    rough = max(highest, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= rough:
            return int(magnitude * factor)
    return int(magnitude * 10)


@dataclass(frozen=True)
class Scale:
    """A value axis from `bottom` to `top`, both multiples of `step`."""

    bottom: int
    top: int
    step: int

    @classmethod
    def covering(cls, lowest: int, highest: int) -> "Scale":
        """The shortest round axis that holds zero and every value; one step high when every value is zero."""
        lowest, highest = min(lowest, 0), max(highest, 0)
        step = nice_step(highest - lowest)
        top = step * math.ceil(highest / step) if highest > 0 else step
        bottom = -step * math.ceil(-lowest / step) if lowest < 0 else 0
        return cls(bottom=bottom, top=top, step=step)

    @property
    def values(self) -> range:
        """The value at each tick, bottom to top."""
        return range(self.bottom, self.top + 1, self.step)


@dataclass(frozen=True)
class Frame:
    """A chart's size, and the margins between its edges and its plot area."""

    width: int
    height: int
    margin_left: int
    margin_right: int
    margin_top: int
    margin_bottom: int

    @property
    def plot_left(self) -> int:
        return self.margin_left

    @property
    def plot_right(self) -> int:
        return self.width - self.margin_right

    @property
    def plot_top(self) -> int:
        return self.margin_top

    @property
    def plot_bottom(self) -> int:
        return self.height - self.margin_bottom

    def x_of(self, offset: float, span: float) -> float:
        """The x of a point `offset` along a horizontal axis `span` long (a time axis, in days)."""
        return round(self.plot_left + (self.plot_right - self.plot_left) * offset / span, 1)

    def band_width(self, count: int) -> float:
        """The width of each of `count` equal bands across the plot (one per bar)."""
        return (self.plot_right - self.plot_left) / max(count, 1)

    def band_centre(self, index: int, count: int) -> float:
        """The x of the middle of band `index` (0-based) among `count`."""
        return round(self.plot_left + self.band_width(count) * (index + 0.5), 1)

    def y_of(self, value: float, scale: Scale) -> float:
        """The y of `value` on `scale`: the bottom of the scale on the plot's bottom edge, its top on the top edge."""
        lower, upper = self.plot_bottom, self.plot_top
        return round(lower - (lower - upper) * (value - scale.bottom) / (scale.top - scale.bottom), 1)

    def y_ticks(self, scale: Scale) -> list[Tick]:
        """A tick at each step of the scale, for the grid lines and their labels."""
        return [Tick(self.y_of(value, scale), value) for value in scale.values]
