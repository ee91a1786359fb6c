from django.urls import path

from api import views

app_name = "api"
urlpatterns = [
    path("accounts/api-tokens/", views.tokens, name="tokens"),
    path("accounts/api-tokens/<int:token_id>/revoke/", views.revoke, name="revoke"),
]
