from django.shortcuts import get_object_or_404, render

from profiles.models import Member


def profile(request, username):
    member = get_object_or_404(Member, username=username, is_active=True)
    return render(request, "profiles/profile.html", {"member": member})
