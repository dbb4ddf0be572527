"""gunicorn settings for the Procfile's web process; values come from the environment.

Command-line flags still win: gunicorn pgp_site.wsgi -c gunicorn.conf.py --bind 127.0.0.1:8000
"""

import os

# Heroku tells the dyno which port to listen on.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Heroku sets WEB_CONCURRENCY from the dyno size; 2 fits a small machine.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The Heroku router gives up after 30 s; a stuck worker is restarted just before.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "28"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak (image processing) never grows.
# Not too often: a worker's first requests after a restart are slow (imports,
# connections, template compilation), so at ~1,000 requests a loaded dyno
# restarted a worker every few seconds. 10,000 requests is hours of an
# ordinary day; the jitter (±10 %) keeps the workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10


def env_flag(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


# Heroku's router already logs every request (path, status, time); a second
# line per request from gunicorn costs throughput for nothing. GUNICORN_ACCESS_LOG=1
# turns it on where nothing else logs requests. Errors go to stderr either way.
accesslog = "-" if env_flag("GUNICORN_ACCESS_LOG") else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# Only the platform's router can reach the dyno, so trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
