"""Settings from PORTAL_* variables, and what production refuses."""
import pytest

from portal import config, create_app


def settings(**environ):
    return config.finish(config.from_environment(environ))


def test_development_defaults_need_nothing():
    values = settings()
    assert values["DATABASE_URL"].startswith("sqlite:///") and values["DATABASE_URL"].endswith("instance/portal.db")
    assert values["PRODUCTION"] is False
    assert values["SESSION_COOKIE_SECURE"] is False


def test_settings_come_from_portal_variables():
    values = settings(PORTAL_DATABASE_URL="postgresql://u@db/portal", PORTAL_FIRMS_PER_PAGE="50",
                      PORTAL_SUPPORT_EMAIL="help@example.org")
    assert values["DATABASE_URL"] == "postgresql://u@db/portal"
    assert values["FIRMS_PER_PAGE"] == 50
    assert values["SUPPORT_EMAIL"] == "help@example.org"


def test_a_malformed_number_names_the_variable():
    with pytest.raises(config.ConfigError, match="PORTAL_FIRMS_PER_PAGE"):
        settings(PORTAL_FIRMS_PER_PAGE="many")


@pytest.mark.parametrize("key", [None, config.DEV_SECRET_KEY, "short"])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    environ = {"PORTAL_ENV": "production"}
    if key:
        environ["PORTAL_SECRET_KEY"] = key
    with pytest.raises(config.ConfigError, match="PORTAL_SECRET_KEY"):
        settings(**environ)


def test_production_with_a_real_key_uses_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "k" * 64)
    monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/healthz")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_create_app_refuses_production_without_a_key(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigError):
        create_app()
