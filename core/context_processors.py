from django.conf import settings


def navigation(request):
    return {"municipality_name": settings.MUNICIPALITY_NAME}
