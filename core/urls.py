from django.contrib.auth import views as auth_views
from django.urls import path

from core import views
from core.policy import access_policy

urlpatterns = [
    path(
        "logga-in/",
        access_policy("public")(auth_views.LoginView).as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logga-ut/", access_policy("authenticated")(auth_views.LogoutView).as_view(), name="logout"),
    path("session/fortsatt/", views.session_keep_alive, name="session_keep_alive"),
    path("konto/losenord/", views.PasswordChangeView.as_view(), name="password_change"),
]
