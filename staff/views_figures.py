"""Community-health figures (built by another module; placeholder views until then)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from profiles import roles


@login_required
def figures(request):
    roles.check_sees_staff_areas(request.user)
    return render(request, "staff/figures.html", {})


@login_required
def figures_csv(request):
    roles.check_sees_staff_areas(request.user)
    return HttpResponse("", content_type="text/csv")
