"""gunicorn's settings for `make serve` and any deployment: `gunicorn -c config/gunicorn.py config.wsgi`.

Listens on BIND_ADDRESS:PORT (loopback by default; behind a reverse proxy). See docs/DEPLOY.md.
"""

import ctypes
import os
import signal
import sys
from typing import Any

bind = f"{os.environ.get('BIND_ADDRESS', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60
accesslog = "-"
# The supervisor (supervisord, systemd) manages gunicorn; no control socket in $HOME, which every
# instance on the host would otherwise share.
control_socket_disable = True

PR_SET_PDEATHSIG = 1


def post_fork(server: Any, worker: Any) -> None:
    """A worker stops when its master dies (kill -9 included), so that none holds the port."""
    # Otherwise an orphaned worker serves on, for up to timeout / 2 seconds, keeping the port from
    # the master that the supervisor starts in place of the dead one.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != server.pid:  # the master died before prctl took effect
            os._exit(0)
