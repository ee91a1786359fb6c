"""Writing: a new thread, a reply, an edit, and the Markdown preview."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from forum import hooks, permissions, selectors, services
from forum.errors import RateLimited
from forum.forms import EditForm, ReplyForm, ThreadForm, add_service_error
from forum.models import Post
from forum.quotes import quote_markdown
from forum.services.posting import render_body
from forum.validators import BODY_MAX
from profiles import roles


def _preview(request, form):
    """The rendered body when the writer pressed Preview, or None."""
    if "preview" not in request.POST or not form.is_valid():
        return None
    return render_body(form.cleaned_data["body"]).html


@login_required
def new_thread(request):
    roles.check_can_post(request.user)
    categories = selectors.readable_categories(request.user)
    initial = {"category": categories.filter(slug=request.GET.get("category", "")).first()}
    form = ThreadForm(request.POST or None, categories=categories, initial=initial)
    preview = _preview(request, form)
    limited = None
    if request.method == "POST" and preview is None and form.is_valid():
        try:
            thread = services.start_thread(author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        except RateLimited as error:
            limited = error
        else:
            return redirect(thread)
    context = {"preview": preview, "composer_notes": _composer_notes(request, form, initial["category"])}
    return _render_form(request, "forum/new_thread.html", form, limited, context)


def _composer_notes(request, form, category):
    """What apps above the forum say about the thread being written (forum.hooks): from the
    fields that were valid, when the form was sent."""
    if form.is_bound:
        form.is_valid()  # cleaned_data then holds the fields that were valid
        data = form.cleaned_data
        return hooks.composer_notes(
            request, category=data.get("category"), title=data.get("title", ""), tags=data.get("tags", ())
        )
    return hooks.composer_notes(request, category=category)


@login_required
def reply(request, slug, thread_id):
    thread = selectors.thread_for(request.user, thread_id)
    permissions.check_can_reply(request.user, thread)
    quote = _quoted_post(request, thread)
    form = ReplyForm(request.POST or None, initial={"body": quote_markdown(quote) if quote else ""})
    preview = _preview(request, form)
    limited = None
    personal = bool(request.POST.get("personal"))  # staff replying in their own name, not the brand's
    if request.method == "POST" and preview is None and form.is_valid():
        try:
            post = services.post_reply(
                thread=thread, author=request.user, body=form.cleaned_data["body"], official=False if personal else None
            )
        except ValidationError as error:
            add_service_error(form, error)
        except RateLimited as error:
            limited = error
        else:
            return redirect(post)
    context = {"thread": thread, "preview": preview, "personal": personal}
    context["replies_officially"] = roles.is_brand_staff(request.user)
    return _render_form(request, "forum/reply.html", form, limited, context)


def _render_form(request, template, form, limited, context):
    """The form again: 429 with Retry-After over a posting limit, 400 with errors, else 200."""
    if limited is not None:
        form.add_error(None, limited.message)
        response = render(request, template, {"form": form, **context}, status=429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


def _quoted_post(request, thread):
    quote_id = request.GET.get("quote", "")
    if not (quote_id.isascii() and quote_id.isdigit()):  # "²".isdigit() is True, int("²") fails
        return None
    post = Post.objects.filter(pk=int(quote_id), thread=thread).select_related("author", "thread").first()
    return post if post and permissions.can_see_post_body(request.user, post) and post.is_visible else None


@login_required
def edit(request, post_id):
    post = get_object_or_404(Post.objects.select_related("thread", "thread__category"), pk=post_id)
    permissions.check_can_read_thread(request.user, post.thread)
    permissions.check_can_edit(request.user, post)
    initial = {"body": post.body}
    if post.is_opening:
        initial.update(title=post.thread.title, tags=", ".join(t.name for t in post.thread.tags.all()))
    form = EditForm(request.POST or None, post=post, initial=initial)
    preview = _preview(request, form)
    if request.method == "POST" and preview is None and form.is_valid():
        try:
            services.edit_post(post=post, editor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect(post)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "forum/edit.html",
        {"post": post, "thread": post.thread, "form": form, "preview": preview},
        status=status,
    )


@login_required
@require_POST
def preview(request):
    """The Markdown preview for the page script: the same renderer as saving."""
    body = request.POST.get("body", "")[: BODY_MAX + 1000]
    if "\x00" in body:
        return HttpResponse(status=400)
    return HttpResponse(render_body(body).html)
