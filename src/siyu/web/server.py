"""The app for `uvicorn --factory`: `siyu serve --workers N` starts N processes, each building
its own app and engine from the environment (SIYU_DATABASE_URL)."""

from __future__ import annotations

from fastapi import FastAPI

from siyu.config import load_settings
from siyu.store.db import create_engine, key_source
from siyu.web.app import create_app


def create_from_env() -> FastAPI:
    settings = load_settings()
    secret_key = settings.secret_key.get_secret_value() if settings.secret_key else None
    keys = key_source(
        settings.database_url, key=secret_key, key_file=settings.secret_key_file, data_dir=settings.data_dir
    )
    return create_app(create_engine(settings.database_url, secret_keys=keys))
