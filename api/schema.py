"""OpenAPI description: the token security scheme, the shared error shape on every operation, and the
view base classes' schema class."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Maskinläsbar kod, t.ex. not_found, invalid, throttled."))
    message = serializers.CharField(help_text=_("Förklaring på svenska."))
    # DRF's serializer metaclass moves declared fields off the class; the stubs see the `fields` property
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Fel per parameter eller fält (bara vid valideringsfel)."),
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    "400": _("Ogiltiga parametrar (se error.fields)."),
    "401": _("Inloggning eller API-nyckel saknas eller är ogiltig."),
    "403": _("Anroparen saknar behörighet till denna del av API:t."),
    "404": _("Finns inte eller är inte synligt för anroparen."),
    "406": _("Efterfrågat svarsformat stöds inte."),
    "429": _("För många anrop; se Retry-After."),
}


RESPONSE_HEADERS = [
    OpenApiParameter(
        "Retry-After",
        int,
        OpenApiParameter.HEADER,
        response=[429],
        required=True,
        description=_("Sekunder att vänta innan nästa anrop."),
    ),
    OpenApiParameter(
        "WWW-Authenticate",
        str,
        OpenApiParameter.HEADER,
        response=[401],
        required=True,
        description=_("Autentiseringssätt: Bearer."),
    ),
]


class ApiAutoSchema(AutoSchema):
    """Adds the error responses every API operation can give, in the one error shape, and their headers."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), *RESPONSE_HEADERS]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = getattr(self.view, "error_codes", ("400", "401", "403", "404", "406", "429"))
        for code in codes:
            responses.setdefault(
                code,
                self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=str(ERROR_DESCRIPTIONS[code])), code
                ),
            )
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ui_<prefix>.<hemlighet>",
            "description": str(
                _("API-nyckel som en administratör har skapat. Skicka den som Authorization: Bearer <nyckel>.")
            ),
        }
