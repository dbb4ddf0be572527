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
max_requests = 1000
max_requests_jitter = 100

# Logs go to stdout/stderr, where the platform collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# Only the platform's router can reach the dyno, so trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
