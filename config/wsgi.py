import os

from django.core.wsgi import get_wsgi_application
from django.urls import reverse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import the URLconf and every view, and build the reverse lookup, now at start-up (in gunicorn's master,
# gunicorn.conf.py preload_app), not in the first request each worker serves: ≈ 2.6 s of CPU it would wait for.
reverse("home")
