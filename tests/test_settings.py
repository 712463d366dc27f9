import pytest

from crosscheck.errors import SettingsError
from crosscheck.settings import SETTINGS_HELP, Settings


def test_defaults_are_valid_and_documented():
    settings = Settings()
    assert settings.workers >= 2
    assert all(SETTINGS_HELP[name] for name in SETTINGS_HELP)


def test_with_ignores_none_and_converts_int_to_float():
    settings = Settings().with_(workers=None, fetch_timeout=3)
    assert settings.fetch_timeout == 3.0 and isinstance(settings.fetch_timeout, float)


def test_bad_values_are_refused_with_the_setting_named():
    with pytest.raises(SettingsError, match="setting 'batch_size' must be at least 1, got 0"):
        Settings(batch_size=0)
    with pytest.raises(SettingsError, match="setting 'strict' must be bool, got 'yes'"):
        Settings(strict="yes")
    with pytest.raises(SettingsError, match="unknown setting\\(s\\): colour"):
        Settings().with_(colour="red")
