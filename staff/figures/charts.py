"""The time series laid out for inline <svg>: bars for questions asked, a line for the within-target
share, a line for the share of answered questions that a member answered first.

All are drawn in the same web.charts frame, one band per bucket, so a bar and the
shares of the same day sit at the same x.
"""

import math
from dataclasses import dataclass

from staff.figures.series import Bucket
from web.charts import Frame, Scale, Tick

SERIES_FRAME = Frame(width=560, height=220, margin_left=52, margin_right=10, margin_top=12, margin_bottom=32)
SHARE_SCALE = Scale(bottom=0, top=100, step=25)
X_LABELS = 7
BAR_FILL = 0.7  # of each band: the rest is the gap between bars
BAR_NARROWEST = 2.0


@dataclass(frozen=True)
class Bar:
    bucket: Bucket
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Dot:
    bucket: Bucket
    x: float
    y: float


@dataclass
class SeriesChart:
    """Two charts over the same buckets: questions asked (bars), and the within-target share (a line)."""

    weekly: bool
    buckets: list[Bucket]
    bars: list[Bar]
    bar_ticks: list[Tick]
    dots: list[Dot]
    line: str
    share_ticks: list[Tick]
    x_labels: list[Tick]
    has_target: bool
    total: int
    answer_dots: list[Dot]  # the share of answered questions a member answered first, where one was
    answer_line: str
    frame: Frame = SERIES_FRAME


def series_chart(buckets: list[Bucket], *, weekly: bool, has_target: bool) -> SeriesChart:
    frame, count = SERIES_FRAME, len(buckets)
    scale = Scale.covering(0, max((b.asked for b in buckets), default=0))
    dots = _share_dots(buckets, frame, lambda bucket: bucket.share)
    answer_dots = _share_dots(buckets, frame, lambda bucket: bucket.members_share)
    every = max(1, math.ceil(count / X_LABELS))
    return SeriesChart(
        weekly=weekly,
        buckets=buckets,
        bars=_bars(buckets, frame, scale),
        bar_ticks=frame.y_ticks(scale),
        dots=dots,
        line=_line(dots),
        share_ticks=frame.y_ticks(SHARE_SCALE),
        x_labels=[Tick(frame.band_centre(i, count), b.start) for i, b in enumerate(buckets) if i % every == 0],
        has_target=has_target,
        total=sum(b.asked for b in buckets),
        answer_dots=answer_dots,
        answer_line=_line(answer_dots),
    )


def _share_dots(buckets: list[Bucket], frame: Frame, share) -> list[Dot]:
    """A dot per bucket that has the share (a percentage), at its band's centre."""
    count = len(buckets)
    return [
        Dot(b, frame.band_centre(i, count), frame.y_of(share(b), SHARE_SCALE))
        for i, b in enumerate(buckets)
        if share(b) is not None
    ]


def _line(dots: list[Dot]) -> str:
    return " ".join(f"{'L' if n else 'M'}{dot.x} {dot.y}" for n, dot in enumerate(dots))


def _bars(buckets: list[Bucket], frame: Frame, scale: Scale) -> list[Bar]:
    """One bar per bucket, centred in its band, rising from the plot's bottom edge."""
    width = round(max(BAR_NARROWEST, frame.band_width(len(buckets)) * BAR_FILL), 1)
    bars = []
    for i, bucket in enumerate(buckets):
        y = frame.y_of(bucket.asked, scale)
        x = round(frame.band_centre(i, len(buckets)) - width / 2, 1)
        bars.append(Bar(bucket, x, y, width, round(frame.plot_bottom - y, 1)))
    return bars
