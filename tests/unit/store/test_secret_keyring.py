"""The keyring seals with its first key and opens with any; sealed values name their key; a key
another process added to the key file is found; every key problem is a clear error."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siyu.store.secret_keys import (
    Keyring,
    KeySource,
    SecretKeyError,
    is_sealed,
    key_id,
    new_key,
    sealed_key_id,
    write_key_file,
)

OLD, NEW = new_key(), new_key()


@given(st.text(max_size=300))
def test_what_is_sealed_opens_to_itself_and_never_shows_in_the_stored_form(plain: str) -> None:
    ring = Keyring(KeySource(keys=(OLD,)))
    sealed = ring.seal(plain)
    assert is_sealed(sealed) and sealed_key_id(sealed) == key_id(OLD)
    assert ring.open(sealed, where="x") == plain
    if len(plain) >= 4:
        assert plain not in sealed


def test_a_plain_value_is_opened_as_it_is() -> None:
    assert Keyring(KeySource(keys=(OLD,))).open("not-sealed-yet", where="x") == "not-sealed-yet"


def test_the_first_key_seals_and_every_key_opens() -> None:
    sealed_by_old = Keyring(KeySource(keys=(OLD,))).seal("s")
    both = Keyring(KeySource(keys=(NEW, OLD)))
    assert both.open(sealed_by_old, where="x") == "s"
    assert sealed_key_id(both.seal("s")) == key_id(NEW)


def test_a_value_sealed_with_an_unknown_key_is_a_located_error() -> None:
    sealed = Keyring(KeySource(keys=(OLD,))).seal("s")
    with pytest.raises(SecretKeyError, match=rf"wecom\.agent_secret: sealed with key {key_id(OLD)}"):
        Keyring(KeySource(keys=(NEW,))).open(sealed, where="wecom.agent_secret")


def test_a_damaged_value_is_a_located_error() -> None:
    ring = Keyring(KeySource(keys=(OLD,)))
    sealed = ring.seal("secret")
    with pytest.raises(SecretKeyError, match=r"webhook\.secret: does not open"):
        ring.open(sealed[:-6] + "AAAAAA", where="webhook.secret")


def test_a_key_another_process_put_in_the_key_file_is_read_when_met(tmp_path: Path) -> None:
    key_file = tmp_path / "keys"
    write_key_file(key_file, [OLD])
    running = Keyring(KeySource(key_file=key_file))
    assert running.key_ids() == (key_id(OLD),)
    write_key_file(key_file, [NEW, OLD])  # a rotation elsewhere
    sealed = Keyring(KeySource(key_file=key_file)).seal("s")
    assert running.open(sealed, where="x") == "s"


def test_the_default_key_file_is_made_once_private_and_then_reused(tmp_path: Path) -> None:
    source = KeySource.of(f"sqlite:///{tmp_path / 'siyu.db'}")
    assert source.default_file == tmp_path / "siyu.db-secret.key"
    first = Keyring(source).sealing_key_id
    assert stat.S_IMODE(os.stat(tmp_path / "siyu.db-secret.key").st_mode) == 0o600
    assert Keyring(KeySource.of(f"sqlite:///{tmp_path / 'siyu.db'}")).sealing_key_id == first


def test_settings_come_before_the_default_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'siyu.db'}"
    assert Keyring(KeySource.of(url, key=f"{NEW}, {OLD}")).key_ids() == (key_id(NEW), key_id(OLD))
    key_file = tmp_path / "k"
    write_key_file(key_file, [OLD])
    assert Keyring(KeySource.of(url, key_file=key_file)).key_ids() == (key_id(OLD),)
    assert not (tmp_path / "siyu.db-secret.key").exists()


def test_postgresql_without_a_named_key_says_what_to_set() -> None:
    ring = Keyring(KeySource.of("postgresql+psycopg://u@h/d"))
    with pytest.raises(SecretKeyError, match="SIYU_SECRET_KEY_FILE"):
        ring.seal("s")


def test_postgresql_uses_the_data_dir(tmp_path: Path) -> None:
    source = KeySource.of("postgresql+psycopg://u@h/d", data_dir=tmp_path)
    assert source.default_file == tmp_path / "secret.key"


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "holds no key"), ("# only a comment\n", "holds no key"), ("not-a-key\n", "key 1 is not a Fernet key")],
)
def test_a_bad_key_file_is_named_with_its_fault(tmp_path: Path, content: str, message: str) -> None:
    key_file = tmp_path / "keys"
    key_file.write_text(content)
    with pytest.raises(SecretKeyError, match=message):
        Keyring(KeySource(key_file=key_file)).seal("s")


def test_a_missing_key_file_is_an_error_not_a_new_key(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyError, match="does not exist"):
        Keyring(KeySource(key_file=tmp_path / "nope")).seal("s")
    assert not (tmp_path / "nope").exists()


def test_a_bad_key_in_the_environment_is_named() -> None:
    with pytest.raises(SecretKeyError, match="SIYU_SECRET_KEY: key 2"):
        Keyring(KeySource(keys=(OLD, "short"))).seal("s")
