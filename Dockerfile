# The MAC Portal image: one image for web (gunicorn), Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=mac_portal.settings.production

# gettext: compilemessages needs msgfmt. Pango: WeasyPrint draws the reports' PDF bulletins (fonts are vendored).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Translations and static files are built into the image; the build needs no database and no real secret.
RUN SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=localhost \
        python manage.py compilemessages --ignore=.venv --ignore=node_modules \
    && SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && useradd --system --no-create-home --uid 10001 mac \
    && mkdir -p /app/var/complaints && chown -R mac /app/var

USER mac
EXPOSE 8000
CMD ["gunicorn", "mac_portal.wsgi:application", "--bind=0.0.0.0:8000", "--workers=3", "--access-logfile=-"]
