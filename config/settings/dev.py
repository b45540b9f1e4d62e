"""`make run`: SQLite and in-process tasks unless the environment says otherwise."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-not-for-production-use-0123456789")

# Serve static files straight from the apps and static/ (no collectstatic needed).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo")
