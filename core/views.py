"""The signed-in user's own session and account: keep-alive ("Fortsätt arbeta") and password change."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.accounts import user_password_change
from core.http import signed_in_user
from core.policy import access_policy
from core.session_idle import session_renew


@access_policy("authenticated")
@require_POST
def session_keep_alive(request: HttpRequest) -> JsonResponse:
    """Renew the idle timeout now; 401 (not a redirect to the login page) once the session has ended."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    # core.session_idle's middleware sends the new end time in its cookie on the way out
    return JsonResponse({"signed_in": True, "seconds_left": session_renew(request.session)})


@access_policy("authenticated")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = signed_in_user(self.request)
        user_password_change(user=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)  # stay signed in here, end other sessions
        messages.success(self.request, _("Ditt lösenord är ändrat."))
        return redirect(self.get_success_url())
