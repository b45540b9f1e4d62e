"""The API's schema and docs, the production settings' safety, and migrations in step with models."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


def test_schema_and_docs_are_served_without_outside_assets(anon, db):
    schema = anon.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/products/{slug}/configure/" in schema.content
    docs = anon.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger" in html.lower()
    assert "cdn." not in html and "https://" not in html.replace("https://swagger.io", "")


def _production_check(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings.production", "ALLOWED_HOSTS": "factory.example.com", **env_extra}
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = _production_check({"SECRET_KEY": "k7#Qe9v!2LmZp0x$Rt8Wn4Yb6Hc1Jd3Fg5Sa7Uo9Ie2Lr4Tq6Vy8Xw0Bz1Nm3Ck5"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("secret", ["", "short", "django-insecure-" + "x" * 60])
def test_production_settings_refuse_to_start_without_a_real_secret_key(secret):
    result = _production_check({"SECRET_KEY": secret} if secret else {})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_migrations_match_the_models(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
