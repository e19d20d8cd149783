# Weavz Connections — production image.
#   docker build -t weavz-connections .
#   docker run --env-file prod.env weavz-connections python manage.py migrate --noinput
#   docker run --env-file prod.env -p 8000:8000 weavz-connections
#   docker run --env-file prod.env weavz-connections python manage.py procrastinate worker
#     (the background job worker: refresh sweeps, webhook delivery, clean-ups; run one or more)
# Configuration comes only from the environment (SECRET_KEY, ENCRYPTION_KEY, DATABASE_URL,
# ALLOWED_HOSTS, REDIS_URL, WEB_CONCURRENCY, …; see README). Nothing secret is baked in.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the dependencies, into a virtualenv that the runtime stage copies whole ----------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml ./
# Only the runtime dependencies from pyproject.toml (no dev tools, no project install: the app
# runs from /app so its templates and static files sit beside the code).
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
 && /opt/venv/bin/pip install --upgrade pip \
 && /opt/venv/bin/pip install -r requirements.txt

# --- runtime ----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000
RUN groupadd --system --gid 10001 weavz \
 && useradd --system --uid 10001 --gid weavz --home-dir /app --shell /usr/sbin/nologin weavz
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The application only: tests/, bench/ (benchmark floors) and local files never enter the image.
COPY manage.py gunicorn.conf.py pyproject.toml ./
COPY weavz ./weavz
COPY orgs ./orgs
COPY connections ./connections
COPY policies ./policies
COPY oauth ./oauth
COPY templates ./templates
# Static files (admin, API docs) collected and compressed at build time. The throwaway keys
# exist only for this one command: settings refuse to start without keys, and the image must
# not carry any.
RUN SECRET_KEY=collectstatic-only-not-a-secret \
    ENCRYPTION_KEY="$(python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    WEAVZ_ENV_FILE=/nonexistent \
    python manage.py collectstatic --noinput \
 && rm -f /tmp/collectstatic.sqlite3 \
 && python -m compileall -q weavz orgs connections policies oauth
USER weavz
EXPOSE 8000
# Process up: /healthz answers 200 without touching the database. The Host header is one the
# deployment allows (the first ALLOWED_HOSTS entry), so the check passes behind any domain.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD \
  python -c "import os, sys, urllib.request as u; h = (os.environ.get('ALLOWED_HOSTS') or '127.0.0.1').split(',')[0].strip().lstrip('.'); h = '127.0.0.1' if h in ('', '*') else h; r = u.urlopen(u.Request('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4); sys.exit(0 if r.status == 200 else 1)"
CMD ["gunicorn", "--config", "gunicorn.conf.py", "weavz.wsgi:application"]
