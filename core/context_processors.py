from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, str]:
    return {"municipality_name": settings.MUNICIPALITY_NAME}
