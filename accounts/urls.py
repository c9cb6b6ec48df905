from django.urls import path

from accounts import views

urlpatterns = [
    path("logga-in/", views.LocalLoginView.as_view(), name="login"),
    path("logga-ut/", views.SignOutView.as_view(), name="logout"),
    path("logga-in/sso/", views.SsoStartView.as_view(), name="oidc_authentication_init"),
    path("logga-in/sso/svar/", views.SsoCallbackView.as_view(), name="oidc_authentication_callback"),
    path("logga-in/kod/", views.mfa_verify, name="mfa_verify"),
    path("konto/tvastegsverifiering/", views.mfa_enrol, name="mfa_enrol"),
]
