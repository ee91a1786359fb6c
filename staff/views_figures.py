"""Community-health figures: the page and its CSV download (computed in the staff/figures/ package)."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from profiles import roles
from staff import figures as health
from staff.selectors import queue_count

# A spreadsheet runs a cell that starts with one of these as a formula: names come from members.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _figures_for(request) -> health.CommunityFigures:
    roles.check_sees_staff_areas(request.user)
    return health.community_figures(
        request.user,
        days=health.period_from(request.GET.get("period")),
        category_slug=request.GET.get("category", ""),
    )


@login_required
def figures(request):
    page = _figures_for(request)
    return render(
        request,
        "staff/figures.html",
        {"figures": page, "periods": health.PERIODS, "queue_count": queue_count()},
    )


def _cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


@login_required
def figures_csv(request):
    page = _figures_for(request)
    scope = page.category.slug if page.category else "forum"
    filename = f"figures-{scope}-{page.period.days}d-{page.period.last_day.isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheet programs read the accents as UTF-8
    writer = csv.writer(response)
    writer.writerow(health.csv_header())
    for row in health.csv_rows(page):
        writer.writerow([_cell(row.scope), _cell(row.figure), _cell(row.value), _cell(row.unit), _cell(row.shown)])
    return response
