"""gunicorn's settings for the portal (`gunicorn -c gunicorn.conf.py 'portal:create_app()'`).

The benchmark (`bench/run.py`) starts gunicorn with this file too, so the numbers in
`bench/README.md` are for the configuration that production runs. Any setting can still be
overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "0.0.0.0:8000")
#: threads, not processes alone: a request spends much of its time waiting on PostgreSQL,
#: and a thread waiting on the database lets another run
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("WEB_THREADS", 4))
#: longer than gunicorn's 2 s: a phone (or a proxy) that sends its next request a second or
#: two later finds its connection still open. With 2 s the benchmark's paced clients (one
#: request every 0.5-1.5 s) saw a p95 of 60 ms on /ping; with 5 s, 3 ms.
keepalive = 5
#: a scan or a sale is a few statements; anything this slow is stuck, not busy
timeout = 30
graceful_timeout = 20
