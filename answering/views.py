"""/answer/: the open questions in the member's areas of expertise (answering/selectors.py).

The page is the member's own (it follows what they know), so it is never a shared copy
(web.pagecache): it is rendered for each request, for members only.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from answering import selectors


@login_required
@require_safe
def answer(request):
    view = selectors.answer_page(request.user, page_number=request.GET.get("page"))
    return render(request, "answering/answer.html", {"view": view, "questions": view.questions})
