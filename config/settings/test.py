"""The test suite: PostgreSQL from DATABASE_URL (started by `make test`)."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

SECRET_KEY = env_str("SECRET_KEY", "test-only-insecure-key-not-for-production-use-0123456789")
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests run tasks in-process; the integration tests send them to a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
# Each test process keeps its own cache, emptied around every test (tests/conftest.py), even though
# the suite has a Redis broker; tests/accounts/test_shared_cache.py runs the shared one.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Serve static files straight from the apps and static/ (no collectstatic needed).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo")
