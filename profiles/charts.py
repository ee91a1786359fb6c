"""The profile's two charts, laid out in Python for an inline <svg>: no chart service, no JavaScript.

Each function takes figures already aggregated by the database (per day) and
returns plain geometry (cells, points, a path) that the template draws; the
template adds the localised labels and tooltips.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

WEEKS = 53
LEVELS = 4  # plus level 0, "nothing that day": five in all

CELL = 11
GAP = 3
PITCH = CELL + GAP
HEAT_LEFT = 30  # room for the weekday labels
HEAT_TOP = 16  # room for the month labels


@dataclass(frozen=True)
class Cell:
    day: date
    count: int
    level: int
    x: int
    y: int


@dataclass(frozen=True)
class Label:
    at: int
    day: date


@dataclass
class HeatMap:
    cells: list[Cell]
    months: list[Label]
    weekdays: list[Label]
    start: date
    end: date
    total: int
    busiest: int
    width: int = HEAT_LEFT + WEEKS * PITCH
    height: int = HEAT_TOP + 7 * PITCH
    cell_size: int = CELL
    levels: range = field(default_factory=lambda: range(LEVELS + 1))


def level_for(count: int, busiest: int) -> int:
    """0 for an empty day, then 1 to 4 in proportion to the busiest day."""
    if count <= 0 or busiest <= 0:
        return 0
    return max(1, min(LEVELS, math.ceil(LEVELS * count / busiest)))


def heat_map(counts: dict[date, int], *, today: date) -> HeatMap:
    """A year of days, one column per week (Monday on top), ending today.

    The first column is the week 52 weeks before today's, so there are
    between 365 and 371 cells; days after today are not drawn.
    """
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)
    busiest = max((n for day, n in counts.items() if start <= day <= today), default=0)
    cells, months = [], []
    day = start
    while day <= today:
        week, weekday = divmod((day - start).days, 7)
        count = counts.get(day, 0)
        cells.append(Cell(day, count, level_for(count, busiest), HEAT_LEFT + week * PITCH, HEAT_TOP + weekday * PITCH))
        if day.day <= 7 and weekday == 0 and week < WEEKS - 1:
            months.append(Label(HEAT_LEFT + week * PITCH, day))
        day += timedelta(days=1)
    weekdays = [Label(HEAT_TOP + row * PITCH + CELL - 2, start + timedelta(days=row)) for row in (0, 2, 4)]
    total = sum(cell.count for cell in cells)
    return HeatMap(cells, months, weekdays, start, today, total, busiest)


CHART_WIDTH = 960
CHART_HEIGHT = 260
PLOT_LEFT = 48
PLOT_RIGHT = 12
PLOT_TOP = 12
PLOT_BOTTOM = 28


@dataclass(frozen=True)
class Point:
    day: date
    change: int
    total: int
    x: float
    y: float


@dataclass(frozen=True)
class Tick:
    at: float
    value: int | date


@dataclass
class LineChart:
    points: list[Point]
    path: str
    area: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    total: int
    highest: int
    start: date
    end: date
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    plot_left: int = PLOT_LEFT
    plot_right: int = CHART_WIDTH - PLOT_RIGHT
    plot_top: int = PLOT_TOP
    plot_bottom: int = CHART_HEIGHT - PLOT_BOTTOM


def nice_step(highest: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5 × 10^n) so that about `ticks` steps cover `highest`."""
    rough = max(highest, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= rough:
            return int(magnitude * factor)
    return int(magnitude * 10)


def running_total(daily: list[tuple[date, int]]) -> list[tuple[date, int, int]]:
    """(day, change that day, total at the end of the day), oldest first."""
    total, rows = 0, []
    for day, change in sorted(daily):
        total += change
        rows.append((day, change, total))
    return rows


def reputation_chart(daily: list[tuple[date, int]], *, today: date) -> LineChart | None:
    """Reputation over time as a step line: flat between days, rising or falling on each day with entries.

    `daily` is (day, sum of the ledger that day); None when there is no entry at all.
    """
    rows = running_total(daily)
    if not rows:
        return None
    start = min(rows[0][0], today - timedelta(days=30))
    end = max(today, rows[-1][0])
    span = max((end - start).days, 1)
    highest = max(max(total for _, _, total in rows), 0)
    lowest = min(min(total for _, _, total in rows), 0)
    step = nice_step(highest - lowest)
    top = step * math.ceil(highest / step) if highest > 0 else step
    bottom = -step * math.ceil(-lowest / step) if lowest < 0 else 0
    left, right = PLOT_LEFT, CHART_WIDTH - PLOT_RIGHT
    upper, lower = PLOT_TOP, CHART_HEIGHT - PLOT_BOTTOM

    def x_of(day):
        return round(left + (right - left) * (day - start).days / span, 1)

    def y_of(value):
        return round(lower - (lower - upper) * (value - bottom) / (top - bottom), 1)

    points = [Point(day, change, total, x_of(day), y_of(total)) for day, change, total in rows]
    commands = [f"M{x_of(start)} {y_of(0)}"]
    for point in points:
        commands += [f"H{point.x}", f"V{point.y}"]
    commands.append(f"H{x_of(end)}")
    path = " ".join(commands)
    area = f"{path} V{y_of(bottom)} H{x_of(start)} Z"
    y_ticks = [Tick(y_of(value), value) for value in range(bottom, top + 1, step)]
    return LineChart(
        points=points,
        path=path,
        area=area,
        y_ticks=y_ticks,
        x_ticks=_month_ticks(start, end, x_of),
        total=rows[-1][2],
        highest=highest,
        start=start,
        end=end,
    )


def _month_ticks(start: date, end: date, x_of) -> list[Tick]:
    """The first of some months between start and end: at most six, evenly spaced."""
    firsts, day = [], date(start.year, start.month, 1)
    while day <= end:
        if day >= start:
            firsts.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    every = max(1, math.ceil(len(firsts) / 6))
    return [Tick(x_of(day), day) for day in firsts[::every]]
