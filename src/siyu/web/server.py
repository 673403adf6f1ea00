"""The app for `uvicorn --factory`: `siyu serve --workers N` starts N processes, each building
its own app and engine from the environment (SIYU_DATABASE_URL)."""

from __future__ import annotations

from fastapi import FastAPI

from siyu.config import load_settings
from siyu.store.db import create_engine
from siyu.web.app import create_app


def create_from_env() -> FastAPI:
    return create_app(create_engine(load_settings().database_url))
