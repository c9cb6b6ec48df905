# Sign-in and sign-out are accounts.urls' (SSO, second factor); core keeps the session and own-password routes.
from django.urls import path

from core import views

urlpatterns = [
    path("session/fortsatt/", views.session_keep_alive, name="session_keep_alive"),
    path("konto/losenord/", views.PasswordChangeView.as_view(), name="password_change"),
]
