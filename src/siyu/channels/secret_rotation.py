"""Rotating the key that seals channel secrets: every stored secret opened with whichever key
sealed it and sealed again with the new first key, in the caller's transaction, with an audit
entry that names keys by id and counts secrets — never a secret or a key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts.actors import Actor
from siyu.store.sealed_secrets import key_census, reseal
from siyu.store.secret_keys import Keyring


@dataclass(frozen=True)
class Rotation:
    key_id: str  # the key every secret is sealed with now
    resealed: int
    readable_key_ids: tuple[str, ...]  # every key the ring still opens with


def rotate(conn: Connection, keyring: Keyring, *, actor: Actor, now_us: int) -> Rotation:
    """Seal every stored secret with `keyring`'s first key; the other keys only open."""
    resealed = reseal(conn, keyring)
    rotation = Rotation(keyring.sealing_key_id, resealed, keyring.key_ids())
    audit.record(
        conn,
        actor=actor,
        action="secrets.rotate",
        subject_type="secret_key",
        subject_id=rotation.key_id,
        now_us=now_us,
        detail={"resealed": resealed, "census": key_census(conn)},
    )
    return rotation
