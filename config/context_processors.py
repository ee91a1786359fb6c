from django.conf import settings


def site(request):
    """What every page's header and footer need."""
    return {"SITE_NAME": settings.SITE_NAME}
