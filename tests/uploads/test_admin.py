"""The admin lists pictures, within a query budget, and never changes them."""

from django.urls import reverse

from tests.uploads.conftest import key_of
from uploads.models import Upload


def test_the_admin_lists_pictures_within_a_query_budget_and_offers_no_change(
    client, admin_member, upload_as, member, other_member, django_assert_max_num_queries
):
    answers = [upload_as(author) for author in (member, other_member) * 10]
    client.force_login(admin_member)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:uploads_upload_changelist"))

    assert response.status_code == 200
    assert all(key_of(answer) in response.content.decode() for answer in answers)
    assert reverse("admin:uploads_upload_add") not in response.content.decode()
    upload = Upload.objects.first()
    forged = client.post(reverse("admin:uploads_upload_change", args=[upload.pk]), {"width": 1})
    assert forged.status_code == 403
