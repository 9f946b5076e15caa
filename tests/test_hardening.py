"""Issue 7, hardening: Argon2 hashing, password rules, production security settings and headers."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse

from config import settings as production_settings
from wpo.accounts.models import User
from wpo.orgs.models import Person

from .conftest import login
from .factories import World

BASE_DIR = Path(__file__).resolve().parent.parent
# The hashers of config/settings.py; config/test_settings.py swaps them for a fast one.
PRODUCTION_HASHERS = list(production_settings.PASSWORD_HASHERS)
STRONG_PASSWORD = "Rivierklei-Tulp-42"


def person_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": "Noor",
        "last_name": "Bakker",
        "email": "noor.bakker@example.nl",
        "employee_number": "7101",
        "department": "",
        "roles": ["coach"],
        "trainers": [],
        "password": "",
    }
    data.update(overrides)
    return data


# Argon2 ----------------------------------------------------------------------------------------


def test_production_hashes_with_argon2_first_and_still_knows_pbkdf2() -> None:
    assert PRODUCTION_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in PRODUCTION_HASHERS


@pytest.mark.django_db
def test_new_password_is_argon2_and_old_pbkdf2_hash_is_upgraded_at_login(client: Client, world: World) -> None:
    login(client, world.administrator)  # the test accounts carry the test suite's fast hash
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        # The administrator gives a new coach a password through the person form.
        response = client.post(reverse("orgs:person_new"), person_data(password=STRONG_PASSWORD))
        assert response.status_code == 302
        noor = Person.objects.get(organization=world.org, employee_number="7101").user
        assert noor.password.startswith("argon2$argon2id$")
        assert noor.check_password(STRONG_PASSWORD)

        # An account whose password was stored before Argon2 (PBKDF2) logs in through the real page.
        old = world.coach.user
        old.password = make_password(STRONG_PASSWORD, hasher="pbkdf2_sha256")
        old.save(update_fields=["password"])
        fresh = Client()
        response = fresh.post(reverse("accounts:login"), {"username": old.username, "password": STRONG_PASSWORD})
        assert response.status_code == 302
        assert response.headers["Location"] != reverse("accounts:login")
        old.refresh_from_db()
        assert old.password.startswith("argon2$argon2id$")
        # And it still works with the upgraded hash.
        assert Client().login(username=old.username, password=STRONG_PASSWORD)


@pytest.mark.django_db
def test_failed_login_does_not_touch_an_old_hash(world: World) -> None:
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        user = world.coach.user
        user.password = make_password(STRONG_PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        response = Client().post(reverse("accounts:login"), {"username": user.username, "password": "Verkeerd-123!"})
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.password.startswith("pbkdf2_sha256$")


# Password rules --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Kort-12!", "Dit wachtwoord is te kort. Gebruik minstens 10 tekens."),
        ("qwertyuiop", "Dit wachtwoord is te algemeen."),
        ("8401937265", "Dit wachtwoord bevat alleen cijfers."),
        ("NoorBakker1", "Het wachtwoord lijkt te veel op de"),
    ],
)
def test_weak_password_for_a_new_person_is_refused_in_dutch(
    client: Client, world: World, password: str, message: str
) -> None:
    login(client, world.administrator)
    people_before, users_before = Person.objects.count(), User.objects.count()
    response = client.post(reverse("orgs:person_new"), person_data(password=password))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Person.objects.count(), User.objects.count()) == (people_before, users_before)


@pytest.mark.django_db
def test_weak_password_on_edit_is_refused_and_nothing_is_saved(client: Client, world: World) -> None:
    login(client, world.administrator)
    coach = world.coach
    old_hash = coach.user.password
    response = client.post(
        reverse("orgs:person_edit", kwargs={"person_id": coach.pk}),
        person_data(
            first_name="Anders",
            last_name=coach.user.last_name,
            email=coach.user.email,
            employee_number=coach.employee_number,
            password="qwertyuiop",
        ),
    )
    assert response.status_code == 200
    assert "Dit wachtwoord is te algemeen." in response.content.decode()
    coach.user.refresh_from_db()
    assert coach.user.password == old_hash and coach.user.first_name != "Anders"


@pytest.mark.django_db
def test_similarity_uses_the_name_typed_in_the_form_when_editing(client: Client, world: World) -> None:
    login(client, world.administrator)
    coach = world.coach
    response = client.post(
        reverse("orgs:person_edit", kwargs={"person_id": coach.pk}),
        person_data(
            first_name="Wilhelmina",
            last_name="Zonneveld",
            email=coach.user.email,
            employee_number=coach.employee_number,
            password="Wilhelmina2026",
        ),
    )
    assert response.status_code == 200
    assert "Het wachtwoord lijkt te veel op de" in response.content.decode()


# Production settings ---------------------------------------------------------------------------


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "WPO_"))
        and key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="wpo.example.nl",
        # E-learning packages are played from their own https origin (wpo/packages/checks.py).
        CONTENT_ORIGIN="https://inhoud.wpo-content.nl",
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_passes_with_production_settings(tmp_path: Path) -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output.upper() and "System check identified no issues" in output


def test_check_deploy_catches_a_weakened_setting(tmp_path: Path) -> None:
    """The check above can fail: switch HSTS off and it does."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, SECURE_HSTS_SECONDS="0"),
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_without_a_secret_key_commands_run_but_nothing_gets_signed(tmp_path: Path) -> None:
    """The migrations check needs no secret; anything that signs does, and says so."""
    env = production_env(tmp_path, SECRET_KEY="")
    migrations = run(["manage.py", "makemigrations", "--check", "--dry-run"], env)
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    signing = run(["-c", "import django; django.setup(); from django.core import signing; signing.dumps(1)"], env)
    assert signing.returncode != 0 and "SECRET_KEY setting must not be empty" in signing.stderr
    deploy = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert deploy.returncode != 0


# Runs in a fresh interpreter with the production environment: the login page over http and https.
HEADER_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings

# The hashed file names of production need ``collectstatic``; which file name the page links to
# does not matter for its headers.
override_settings(
    STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
).enable()
client = Client(HTTP_HOST="wpo.example.nl")
plain = client.get("/accounts/inloggen/")
secure = client.get("/accounts/inloggen/", secure=True)
csrf = secure.cookies.get(settings.CSRF_COOKIE_NAME)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "csrf_cookie": {"secure": bool(csrf["secure"]), "httponly": bool(csrf["httponly"]),
                    "samesite": csrf["samesite"]} if csrf else None,
    "session": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE],
}))
"""


def test_production_response_carries_the_security_headers(tmp_path: Path) -> None:
    result = run(["-c", HEADER_PROBE], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain_status"] == 301
    assert probe["plain_location"] == "https://wpo.example.nl/accounts/inloggen/"
    assert probe["status"] == 200
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert probe["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert probe["session"] == [True, True, "Lax"]


def test_behind_a_tls_proxy_the_redirect_can_be_left_to_the_proxy(tmp_path: Path) -> None:
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="false", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    probe_script = HEADER_PROBE.replace(
        'secure = client.get("/accounts/inloggen/", secure=True)',
        'secure = client.get("/accounts/inloggen/", HTTP_X_FORWARDED_PROTO="https")',
    )
    result = run(["-c", probe_script], env)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain_status"] == 200  # the proxy redirects, not Django
    # The forwarded header makes the request secure, so HSTS is still sent.
    assert probe["headers"]["Strict-Transport-Security"].startswith("max-age=31536000")


SETTINGS_PROBE = """
import json
from config import settings as s
print(json.dumps([s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE]))
"""


def test_debug_mode_keeps_plain_http_working(tmp_path: Path) -> None:
    """``make run`` (DEBUG=true) serves http://127.0.0.1:8000: no https redirect, HSTS or secure cookies."""
    env = production_env(tmp_path, DEBUG="true")
    del env["SECRET_KEY"]
    result = run(["-c", SETTINGS_PROBE], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [False, 0, False, False]
