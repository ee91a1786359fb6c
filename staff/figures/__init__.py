"""Community-health figures for the staff workspace, aggregated in the database and laid out for inline SVG.

What is counted, over the period (the last N days, today included, in the site's time zone: from
local midnight N−1 days ago until now; periods.py):

- a *question*: a visible thread in a question category the viewer may read, created in the period;
- *first reply*: the earliest visible reply by someone other than the asker;
  an *unanswered* question has none yet;
- *first official response*: ``Thread.first_official_at``, the first reply by brand staff;
- *accepted answer*: ``Thread.accepted_at``; accepted answers are *by staff* when the accepted
  post is official (``Post.is_official``), *by members* otherwise;
- *median* and *p90* of a time: the durations that exist (questions without the event are
  left out) sorted in ascending order, then the value at 0-based offset floor(N × 0.5) and
  floor(N × 0.9). For N = 4 the median is the 3rd value (the upper median); for N = 1 both
  are the only value (spreads.py);
- *answered within target*: among questions in categories with a response target, the share
  that got an official response or an accepted answer within the target. A question still
  inside its target with neither is not counted yet, nor is one set aside as needing no
  response that got neither in time (targets.py);
- *reports opened*: reports filed in the period; *reports resolved*: reports closed (resolved
  or dismissed) in the period. Per category, reports on that category's posts and threads;
  for the whole forum, every report, reports on members included (aggregates.py);
- *top advocates*: the leaderboard's ranking for the same period and category
  (``reputation.selectors.advocates``), the first ten;
- *ideas*: visible threads in an ideas category the viewer may read (staff-only ones included
  for staff), created in the period, counted by the status they have now, a row for every
  status; *time to first status*: from an idea's creation to its oldest ``StatusChange``, its
  median and p90 as above. Shown with the whole forum only: no idea is in a question category
  (ideas.py).

Every figure is a COUNT, SUM or window function in the database: the page costs the same
dozen queries whatever the size of the forum, and nothing loops over threads in Python.

The modules, by concept: periods, display (durations and shares as text), targets, spreads,
aggregates (one scope's figures), ideas, series (per day or week), charts (SVG geometry in
web.charts' frame), page (what the view renders) and export (the CSV rows).
"""

from staff.figures.display import human_duration
from staff.figures.export import csv_header, csv_rows
from staff.figures.page import CommunityFigures, community_figures
from staff.figures.periods import DEFAULT_PERIOD, PERIODS, Period, period_from, period_of

__all__ = [
    "DEFAULT_PERIOD",
    "PERIODS",
    "CommunityFigures",
    "Period",
    "community_figures",
    "csv_header",
    "csv_rows",
    "human_duration",
    "period_from",
    "period_of",
]
