# Tallybook as a headless server (`tallybook serve`), for a household server.
#
#   docker build -t tallybook .
#   docker run -d --name tallybook -p 8421:8421 -v tallybook-data:/data tallybook
#   docker exec -i tallybook tallybook user create --username alex --password-stdin --admin
#
# It speaks plain HTTP: put it behind a reverse proxy that terminates TLS, and name the host
# clients use with TALLYBOOK_ALLOWED_HOST (the Host allow-list refuses other names).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TALLYBOOK_DATA_DIR=/data \
    TALLYBOOK_ALLOWED_HOST=localhost

WORKDIR /app
COPY pyproject.toml README.md ./
COPY server ./server
COPY ui ./ui
# Editable: the server finds ui/ beside its package (server/paths.py resource_root).
RUN pip install --editable . && useradd --create-home --uid 10001 tallybook \
    && mkdir /data && chown tallybook:tallybook /data

USER tallybook
VOLUME ["/data"]
EXPOSE 8421
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8421/api/v1/health', timeout=4)"
CMD ["sh", "-c", "exec tallybook serve --host 0.0.0.0 --port 8421 --insecure-http --allowed-host \"$TALLYBOOK_ALLOWED_HOST\""]
