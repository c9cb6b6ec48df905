from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.policy import access_policy


@access_policy("authenticated")
@login_required
def home(request):
    return render(request, "cases/home.html")
