"""The keys that seal stored secrets (channel secrets) and the keyring that uses them.

A sealed value reads `siyu-sealed:1:<key id>:<Fernet token>`; the key id (8 hex digits of the
key's SHA-256) says which key sealed it, so several keys can be in use while one replaces
another. Keys come, first found first:

1. `SIYU_SECRET_KEY`: one or more Fernet keys, separated by commas;
2. `SIYU_SECRET_KEY_FILE`: a file of Fernet keys, one a line (`#` comments);
3. by default, a key file made on first use, mode 0600: beside a SQLite database file
   (`siyu.db` → `siyu.db-secret.key`), or `$SIYU_DATA_DIR/secret.key`. PostgreSQL has no default
   beside the database: every process that shares it must share the key, so it is named.

The first key seals; every key opens. A keyring that meets a key id it does not know reads its
key file again (a rotation in another process added a key) before it gives up."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import make_url

from siyu.core.errors import SiyuError

SEALED_PREFIX = "siyu-sealed:1:"
KEY_FILE_MODE = 0o600
ENGINE_OPTION = "siyu_keyring"


class SecretKeyError(SiyuError):
    """No key to seal or open a secret with, or a key that does not fit."""


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def is_sealed(value: str) -> bool:
    return value.startswith(SEALED_PREFIX)


def sealed_key_id(value: str) -> str | None:
    """The id of the key that sealed `value`, or None for a plain (not yet sealed) value."""
    if not is_sealed(value):
        return None
    return value[len(SEALED_PREFIX) :].partition(":")[0]


def new_key() -> str:
    return Fernet.generate_key().decode()


def _checked(keys: Sequence[str], where: str) -> tuple[str, ...]:
    for number, key in enumerate(keys, 1):
        try:
            Fernet(key.encode())
        except ValueError as exc:
            raise SecretKeyError(
                f"{where}: key {number} is not a Fernet key (32 bytes in url-safe base64, 44 characters)"
            ) from exc
    return tuple(keys)


def read_key_file(path: Path) -> tuple[str, ...]:
    """The keys of a key file, first (sealing) key first."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SecretKeyError(f"{path}: the secret key file does not exist") from exc
    except OSError as exc:
        raise SecretKeyError(f"{path}: cannot read the secret key file: {exc.strerror}") from exc
    keys = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    if not keys:
        raise SecretKeyError(f"{path}: the secret key file holds no key")
    return _checked(keys, str(path))


def write_key_file(path: Path, keys: Sequence[str]) -> None:
    """Replace `path` with `keys` (first = the sealing key) in one step, mode 0600."""
    lines = "# siyu secret keys: the first seals, all open. Keep this file private and backed up.\n"
    lines += "".join(f"{key}\n" for key in _checked(keys, str(path)))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, KEY_FILE_MODE)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(lines)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _made_or_read(path: Path) -> tuple[str, ...]:
    """The default key file's keys; made with a new key if missing (two processes starting
    together: O_EXCL lets one make it, and the other reads what it wrote)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    except FileExistsError:
        return read_key_file(path)
    except OSError as exc:
        raise SecretKeyError(f"{path}: cannot make the secret key file: {exc.strerror}") from exc
    key = new_key()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(f"# siyu secret keys: the first seals, all open. Keep this file private and backed up.\n{key}\n")
        handle.flush()
        os.fsync(handle.fileno())
    return (key,)


@dataclass(frozen=True)
class KeySource:
    """Where a process finds its keys (see the module's docstring for the order)."""

    keys: tuple[str, ...] = ()
    key_file: Path | None = None
    default_file: Path | None = None
    in_memory: bool = False  # an in-memory database: a key that dies with it

    @classmethod
    def of(
        cls, database_url: str, *, key: str | None = None, key_file: Path | None = None, data_dir: Path | None = None
    ) -> KeySource:
        url = make_url(database_url)
        default_file = None
        in_memory = False
        if url.get_backend_name() == "sqlite":
            in_memory = url.database in (None, "", ":memory:")
            default_file = None if in_memory else Path(f"{url.database}-secret.key")
        elif data_dir is not None:
            default_file = data_dir / "secret.key"
        keys = tuple(part.strip() for part in (key or "").split(",") if part.strip())
        return cls(keys, key_file, default_file, in_memory)

    @property
    def file(self) -> Path | None:
        """The key file in use, if the keys come from one."""
        if self.keys or self.in_memory:
            return None
        return self.key_file or self.default_file

    def describe(self) -> str:
        if self.keys:
            return "SIYU_SECRET_KEY"
        if self.key_file is not None:
            return f"SIYU_SECRET_KEY_FILE={self.key_file}"
        if self.in_memory:
            return "a key of this process (in-memory database)"
        if self.default_file is not None:
            return f"the key file {self.default_file}"
        return "no key"

    def load(self) -> tuple[str, ...]:
        if self.keys:
            return _checked(self.keys, "SIYU_SECRET_KEY")
        if self.key_file is not None:
            return read_key_file(self.key_file)
        if self.in_memory:
            return (new_key(),)
        if self.default_file is not None:
            return _made_or_read(self.default_file)
        raise SecretKeyError(
            "no secret key to seal channel secrets with: set SIYU_SECRET_KEY_FILE (a file of Fernet keys, "
            "the same for every siyu process on this database), SIYU_SECRET_KEY, or SIYU_DATA_DIR"
        )


class Keyring:
    """Seals with the first key, opens with any; keys are read on first use."""

    def __init__(self, source: KeySource) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._keys: dict[str, Fernet] | None = None
        self._first: str = ""

    def _loaded(self, *, again: bool = False) -> dict[str, Fernet]:
        with self._lock:
            if self._keys is None or again:
                keys = self.source.load()
                self._keys = {key_id(key): Fernet(key.encode()) for key in keys}
                self._first = key_id(keys[0])
            return self._keys

    @property
    def sealing_key_id(self) -> str:
        self._loaded()
        return self._first

    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._loaded())

    def seal(self, plain: str) -> str:
        keys = self._loaded()
        token = keys[self._first].encrypt(plain.encode()).decode()
        return f"{SEALED_PREFIX}{self._first}:{token}"

    def open(self, value: str, *, where: str) -> str:
        """The plain text of a sealed value (a plain value is returned as it is: not sealed yet)."""
        kid = sealed_key_id(value)
        if kid is None:
            return value
        fernet = self._loaded().get(kid)
        if fernet is None and self.source.file is not None:
            fernet = self._loaded(again=True).get(kid)
        if fernet is None:
            raise SecretKeyError(
                f"{where}: sealed with key {kid}, which {self.source.describe()} does not hold; give this "
                "process the key file of the process that saved it"
            )
        try:
            return fernet.decrypt(value.split(":", 3)[3].encode()).decode()
        except (InvalidToken, IndexError) as exc:
            raise SecretKeyError(f"{where}: does not open with key {kid} (damaged, or the key was replaced)") from exc


def attach(engine: Engine, keyring: Keyring) -> None:
    engine.update_execution_options(**{ENGINE_OPTION: keyring})


def keyring_of(conn: Connection | Engine) -> Keyring:
    """The keyring `siyu.store.db.create_engine` gave this connection's engine."""
    keyring = conn.get_execution_options().get(ENGINE_OPTION)
    if not isinstance(keyring, Keyring):
        raise SecretKeyError("this engine has no secret keys: make it with siyu.store.db.create_engine")
    return keyring
