"""gunicorn settings for the web process: `gunicorn plant.wsgi:application` picks this file up
from the working directory (the Dockerfile and docker-compose.yml run it from /app).

Threads, not more processes: a request spends much of its time waiting for PostgreSQL (a
commit waits for the disk), and threads wait cheaply, while each process costs ~100 MB and
its own connections. One process per core keeps the GIL from serialising the Python work.
Each thread keeps one persistent database connection (DATABASE_CONN_MAX_AGE), so PostgreSQL
sees at most GUNICORN_WORKERS × GUNICORN_THREADS connections from the web. Measured with
`make bench-floor`: docs/performance.md.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
# GUNICORN_WORKERS may be empty (one per core); gunicorn itself reads WEB_CONCURRENCY and
# fails on an empty one, so that is only honoured when set to a number.
workers = int(
    os.environ.get("GUNICORN_WORKERS")
    or os.environ.get("WEB_CONCURRENCY")
    or multiprocessing.cpu_count()
)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
# Tablets keep their connection open between taps (behind a proxy, the proxy does).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "10"))
# Recycle a process now and then (spread out), in case anything grows.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
