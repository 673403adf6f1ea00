"""Process settings: where the database is, where the keys that seal stored secrets are, and
the language the CLI answers in. Brand settings live in the database."""

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///siyu.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIYU_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    locale: str = "zh-CN"  # SIYU_LOCALE: zh-CN or en, for reasons the CLI shows
    # the keys that seal channel secrets (store.secret_keys): Fernet keys, comma-separated, or a
    # file of them; else a key file beside a SQLite database, or in data_dir
    secret_key: SecretStr | None = None  # SIYU_SECRET_KEY
    secret_key_file: Path | None = None  # SIYU_SECRET_KEY_FILE
    data_dir: Path | None = None  # SIYU_DATA_DIR


def load_settings(database_url: str | None = None) -> Settings:
    """Build the settings once, at the edge (CLI / app start), never at import."""
    if database_url:
        return Settings(database_url=database_url)
    return Settings()
