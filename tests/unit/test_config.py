"""Settings from PORTAL_* variables, and what production refuses."""
import pytest

from portal import config, create_app


def settings(**environ):
    return config.finish(config.from_environment(environ))


def test_development_mode_needs_nothing_and_makes_its_own_key(tmp_path):
    values = settings(PORTAL_ENV="development", PORTAL_INSTANCE_DIR=str(tmp_path))
    assert values["DATABASE_URL"] == f"sqlite:///{tmp_path}/portal.db"
    assert values["PRODUCTION"] is False and values["DEVELOPMENT"] is True
    assert values["SESSION_COOKIE_SECURE"] is False and values["VIES"] == "fake"
    key = values["SECRET_KEY"]
    assert len(key) == 64 and key != config.DEV_SECRET_KEY
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only
    assert settings(PORTAL_ENV="development", PORTAL_INSTANCE_DIR=str(tmp_path))["SECRET_KEY"] == key  # kept
    other = tmp_path / "other"
    assert settings(PORTAL_ENV="development", PORTAL_INSTANCE_DIR=str(other))["SECRET_KEY"] != key


def test_without_portal_env_the_portal_is_in_production_mode():
    """Forgetting PORTAL_ENV must not give a public key, the fake VIES or the eID simulator."""
    with pytest.raises(config.ConfigError, match="PORTAL_SECRET_KEY"):
        settings()
    values = settings(PORTAL_SECRET_KEY="k" * 64)
    assert values["PRODUCTION"] is True and values["VIES"] == "live" and values["SESSION_COOKIE_SECURE"] is True


def test_an_unknown_mode_is_refused():
    with pytest.raises(config.ConfigError, match="PORTAL_ENV"):
        settings(PORTAL_ENV="dev")


def test_the_start_up_log_says_which_mode_is_on(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path))
    with caplog.at_level("INFO"):
        create_app()
    assert "DEVELOPMENT mode" in caplog.text


def test_settings_come_from_portal_variables():
    values = settings(PORTAL_ENV="development", PORTAL_DATABASE_URL="postgresql://u@db/portal",
                      PORTAL_FIRMS_PER_PAGE="50", PORTAL_SUPPORT_EMAIL="help@example.org")
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
