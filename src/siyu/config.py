"""Process settings: where the database is, and the language the CLI answers in. Brand
settings live in the database."""

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///siyu.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIYU_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    locale: str = "zh-CN"  # SIYU_LOCALE: zh-CN or en, for reasons the CLI shows


def load_settings(database_url: str | None = None) -> Settings:
    """Build the settings once, at the edge (CLI / app start), never at import."""
    if database_url:
        return Settings(database_url=database_url)
    return Settings()
