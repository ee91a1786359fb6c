"""The profile's two charts, laid out in Python for an inline <svg>: no chart service, no JavaScript.

Each function takes figures already aggregated by the database (per day) and
returns plain geometry (cells, points, a path) that the template draws; the
template adds the localised labels and tooltips. The reputation chart is drawn
in web.charts' frame, the same as the staff figures' charts.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from web.charts import Frame, Scale, Tick

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


REPUTATION_FRAME = Frame(width=960, height=260, margin_left=48, margin_right=12, margin_top=12, margin_bottom=28)


@dataclass(frozen=True)
class Point:
    day: date
    change: int
    total: int
    x: float
    y: float


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
    frame: Frame = REPUTATION_FRAME


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
    totals = [total for _, _, total in rows]
    scale = Scale.covering(min(totals), max(totals))
    frame = REPUTATION_FRAME

    def x_of(day):
        return frame.x_of((day - start).days, span)

    points = [Point(day, change, total, x_of(day), frame.y_of(total, scale)) for day, change, total in rows]
    commands = [f"M{x_of(start)} {frame.y_of(0, scale)}"]
    for point in points:
        commands += [f"H{point.x}", f"V{point.y}"]
    commands.append(f"H{x_of(end)}")
    path = " ".join(commands)
    area = f"{path} V{frame.y_of(scale.bottom, scale)} H{x_of(start)} Z"
    return LineChart(
        points=points,
        path=path,
        area=area,
        y_ticks=frame.y_ticks(scale),
        x_ticks=_month_ticks(start, end, x_of),
        total=rows[-1][2],
        highest=max(max(totals), 0),
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
