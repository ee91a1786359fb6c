"""A health check for load balancers, and the benchmarks' trivial view."""

from django.http import HttpResponse


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
