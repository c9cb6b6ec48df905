from django.urls import URLPattern, URLResolver

# Sign-in and sign-out moved to accounts.urls (SSO, second factor); core keeps no routes of its own.
urlpatterns: list[URLPattern | URLResolver] = []
