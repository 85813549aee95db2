# syntax=docker/dockerfile:1
# simcoach: the web service on its embedded defaults (SQLite in /data, scripted customer, offline scorer).
#   docker build -t simcoach .
#   docker run -p 8000:8000 -v simcoach-data:/data simcoach
# Set SIMCOACH_DATABASE_URL=postgresql+asyncpg://… for PostgreSQL and SIMCOACH_LLM_* for an LLM customer.

ARG PYTHON_IMAGE=python:3.11-slim

# ---- builder: build the wheel and install it with its dependencies into a self-contained venv ----
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src
RUN python -m venv /opt/venv
# Only what the wheel needs, so editing content, docs or tests does not invalidate this layer.
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/venv/bin/pip install --upgrade pip \
 && /opt/venv/bin/pip wheel --no-deps --wheel-dir /wheels . \
 && /opt/venv/bin/pip install /wheels/simcoach-*.whl

# ---- runtime: the venv, the content, a non-root user ----
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="simcoach" \
      org.opencontainers.image.description="Practise hard customer conversations, scored per turn for empathy." \
      org.opencontainers.image.licenses="Apache-2.0"

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SIMCOACH_HOST=0.0.0.0 \
    SIMCOACH_PORT=8000 \
    SIMCOACH_CONTENT_DIR=/app \
    SIMCOACH_DATABASE_URL=sqlite+aiosqlite:////data/simcoach.sqlite3

RUN groupadd --system --gid 10001 simcoach \
 && useradd --system --uid 10001 --gid simcoach --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin simcoach \
 && mkdir -p /data \
 && chown simcoach:simcoach /data

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Content stays owned by root: the service reads it, never writes it. Mount your own over these folders.
COPY personas ./personas
COPY scenarios ./scenarios
COPY rubrics ./rubrics
COPY schemas ./schemas

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000

# python:slim has no curl; urllib is enough. A non-200 (503: database down) raises, so the check fails.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('SIMCOACH_PORT', '8000') + '/healthz', timeout=4)"]

CMD ["simcoach", "serve", "--host", "0.0.0.0"]
