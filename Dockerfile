# Ungdomsinsats: one image for web (gunicorn), worker and beat (the command differs; docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig) and fonts to embed in PDFs; gettext for
# the Swedish catalogue; the PostgreSQL client for `make backup` / `make restore`.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 shared-mime-info \
        fonts-dejavu-core fonts-liberation gettext postgresql-client make \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app && useradd --system --gid app --home /app app
WORKDIR /app

# Dependencies first (cached while only the code changes), exactly the locked versions (`make lock`).
COPY requirements/production.txt ./requirements/
RUN pip install --upgrade pip && pip install --require-hashes -r requirements/production.txt

COPY . .
RUN DEBUG=0 SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv -v 0 \
    && DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/media && chown -R app:app /app/media

USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gunicorn", "config.wsgi:application", "--config", "gunicorn.conf.py"]
