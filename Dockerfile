# syntax=docker/dockerfile:1
# Stage 1: front-end packages from the npm registry (ECharts) into static/vendor.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json build-assets.mjs ./
RUN npm ci --no-audit --no-fund && mkdir -p static && npm run build

# Stage 2: the Python application (web, workers and beat all run this image).
FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=plant.settings.production \
    TAKT_VAR_DIR=/app/var \
    NUMBA_CACHE_DIR=/app/numba-cache
WORKDIR /app
RUN groupadd --system takt && useradd --system --gid takt --home /app takt
COPY pyproject.toml README.md ./
COPY plant plant
COPY scheduling scheduling
COPY inventory inventory
COPY quality quality
COPY staffing staffing
RUN pip install --upgrade pip && pip install .
COPY manage.py gunicorn.conf.py ./
COPY templates templates
COPY static static
COPY --from=assets /build/static/vendor static/vendor
# The solver's compiled cores, built once here (about a minute) rather than in a first solve.
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v 0 \
    && python -c 'from scheduling.solver.kernels import compile_ahead; compile_ahead()' \
    && mkdir -p var && chown -R takt:takt var numba-cache
USER takt
EXPOSE 8000
# gunicorn.conf.py: gthread, GUNICORN_WORKERS processes (default: one per core) ×
# GUNICORN_THREADS threads (default 4), keep-alive for tablets, access log on stdout.
CMD ["gunicorn", "plant.wsgi:application"]
