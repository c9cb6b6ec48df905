"""One JSON error shape for every 4xx of the API (and of any DRF view in the project):

    {"error": {"code": "not_found", "message": "Hittades inte.", "fields": {}}}

`message` is Swedish and safe to show; `fields` maps a parameter or field name to its Swedish messages
(only for validation errors). Messages never echo personal data or the value sent.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.concurrency import EditConflict
from core.policy import access_policy

# Fixed Swedish messages for the generic codes; other codes keep the (Swedish) detail they were raised with.
GENERIC_MESSAGES = {
    "not_authenticated": gettext_lazy("Inloggning eller API-nyckel krävs."),
    "not_found": gettext_lazy("Hittades inte."),
    "method_not_allowed": gettext_lazy("Metoden är inte tillåten här. API:t går bara att läsa (GET)."),
    "not_acceptable": gettext_lazy("Svarsformatet stöds inte. API:t svarar med JSON."),
    "unsupported_media_type": gettext_lazy("Formatet på det som skickades stöds inte."),
    "parse_error": gettext_lazy("Det som skickades gick inte att läsa."),
    "invalid": gettext_lazy("Ogiltiga uppgifter. Se de enskilda fälten."),
}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _fields(detail) -> dict:
    """Flatten DRF's nested error detail into {name: [messages]}."""
    if isinstance(detail, dict):
        result = {}
        for name, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _fields(value).items():
                    result[f"{name}.{sub}"] = messages
            else:
                result[str(name)] = [str(item) for item in (value if isinstance(value, list) else [value])]
        return result
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {"non_field_errors": [str(detail)]}


def _code_of(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def api_exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER: the error shape above; an edit conflict is a 409 with the saved version."""
    if isinstance(exc, EditConflict):
        body = error_body("conflict", exc.describe())
        body["error"]["current_version"] = exc.current_version
        body["error"]["changes"] = exc.as_dict()["changes"]
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        # a service refused the input: its messages are Swedish and keyed by field
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a 500 as Django shows it
    code = _code_of(exc)
    fields = _fields(exc.detail) if isinstance(exc, exceptions.ValidationError) else {}
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) + 1 if exc.wait is not None else None
        message = (
            _("För många anrop. Försök igen om %(seconds)s sekunder.") % {"seconds": wait}
            if wait
            else _("För många anrop. Försök igen senare.")
        )
    elif code in GENERIC_MESSAGES:
        message = GENERIC_MESSAGES[code]
    elif code == "permission_denied" and str(exc.detail).startswith("CSRF Failed"):
        message = _("CSRF-kontrollen misslyckades. Använd en API-nyckel eller ladda om sidan.")
    else:
        message = str(exc.detail) if not isinstance(exc.detail, list | dict) else GENERIC_MESSAGES["invalid"]
    response.data = error_body(code, message, fields)
    return response


@access_policy("public")
def api_not_found(request, *args, **kwargs):
    """Any path under /api/ that matches nothing: a JSON 404 in the same shape (not the HTML page).
    A path that only lacks its trailing slash is redirected, as Django's APPEND_SLASH would."""
    if not request.path.endswith("/"):
        try:
            match = resolve(f"{request.path}/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{request.path}/" + (f"?{query}" if query else ""))
    return JsonResponse(error_body("not_found", _("Hittades inte.")), status=404)
