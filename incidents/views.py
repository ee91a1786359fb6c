"""The incident pages: the public history, an incident with its updates, and staff's forms."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from incidents import hint, permissions, selectors, services
from incidents.forms import DeclareForm, LinkForm, UpdateForm
from web.redirects import done


def _service_error(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


def incident_list(request):
    can_manage = permissions.can_manage(request.user)
    page = selectors.incidents_page(request.user, request.GET.get("page"), with_figures=can_manage)
    context = {"page": page, "can_manage": can_manage}
    return render(request, "incidents/list.html", context)


def _incident_page(request, incident, *, update_form=None, link_form=None, status=200):
    links, link_count = selectors.linked_threads(request.user, incident)
    categories, tags = selectors.concerned(request.user, incident)
    can_manage = permissions.can_manage(request.user)
    context = {
        "incident": incident,
        "updates": selectors.updates(incident),
        "links": links,
        "link_count": link_count,
        "categories": categories,
        "tags": tags,
        "following": selectors.is_following(request.user, incident),
        "can_manage": can_manage,
    }
    if can_manage:
        context["update_form"] = update_form or UpdateForm(initial={"status": incident.status})
        context["link_form"] = link_form or LinkForm(viewer=request.user)
        context["figures"] = selectors.figures(incident)
    return render(request, "incidents/incident.html", context, status=status)


def incident(request, pk):
    return _incident_page(request, selectors.incident_for(request.user, pk))


@login_required
def declare(request):
    permissions.check_can_manage(request.user)
    form = DeclareForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.declare_incident(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _service_error(form, error)
        else:
            return redirect(found)
    status = 400 if request.method == "POST" else 200
    return render(request, "incidents/declare.html", {"form": form}, status=status)


@login_required
@require_POST
def update(request, pk):
    found = selectors.incident_for(request.user, pk)
    permissions.check_can_manage(request.user)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            services.post_update(incident=found, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _service_error(form, error)
        else:
            return redirect(found)
    return _incident_page(request, found, update_form=form, status=400)


@login_required
@require_POST
def link(request, pk):
    found = selectors.incident_for(request.user, pk)
    permissions.check_can_manage(request.user)
    form = LinkForm(request.POST, viewer=request.user)
    if form.is_valid():
        try:
            services.link_thread(incident=found, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _service_error(form, error)
        else:
            return redirect(found.get_absolute_url() + "#linked")
    return _incident_page(request, found, link_form=form, status=400)


@login_required
@require_POST
def follow(request, pk):
    found = selectors.incident_for(request.user, pk)
    action = request.POST.get("action", "follow")
    if action == "follow":
        services.follow_incident(incident=found, member=request.user)
    elif action == "unfollow":
        services.unfollow_incident(incident=found, member=request.user)
    else:
        return HttpResponseBadRequest("action must be follow or unfollow")
    return done(request, found.get_absolute_url() + "#follow", following=action == "follow")


def match(request):
    """The open incidents a thread being written may be about (the composer's hint)."""
    return JsonResponse({"html": hint.hint_items(request, **hint.composer_input(request.GET))})
