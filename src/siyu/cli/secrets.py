"""`siyu secrets status | rotate`: the keys that seal channel secrets at rest (store.secret_keys)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from siyu.accounts.actors import CliActor
from siyu.channels import secret_rotation
from siyu.cli.app import FormatOption, OutputFormat, app, engine, handles_errors, out, parse_now, print_json, writer
from siyu.core.errors import SiyuError
from siyu.core.timeutil import to_us
from siyu.store.sealed_secrets import key_census
from siyu.store.secret_keys import Keyring, KeySource, keyring_of, new_key, read_key_file, write_key_file

secrets_app = typer.Typer(help="The keys that seal channel secrets at rest.", no_args_is_help=True)
app.add_typer(secrets_app, name="secrets")


@secrets_app.command("status")
@handles_errors
def status(output: FormatOption = OutputFormat.table) -> None:
    """Where the keys come from, which seals, and how many stored secrets each key sealed."""
    db = engine()
    keyring = keyring_of(db)
    with db.connect() as conn:
        census = key_census(conn)
    shown = {
        "source": keyring.source.describe(),
        "sealing_key": keyring.sealing_key_id,
        "keys": list(keyring.key_ids()),
        "secrets_by_key": census,
    }
    if output is OutputFormat.json:
        print_json(shown)
        return
    out.print(f"keys: {shown['source']} — sealing with {shown['sealing_key']}", markup=False)
    for kid in keyring.key_ids():
        out.print(f"  {kid}: {census.get(kid, 0)} secret(s)", markup=False)
    for kid, count in census.items():
        if kid not in keyring.key_ids():
            out.print(f"  {kid}: {count} secret(s) — not a key of this process", markup=False, style="bold red")


def _new_keys(source: KeySource, current: tuple[str, ...], new_key_file: Path | None) -> tuple[tuple[str, ...], Path]:
    """The keys after the rotation (the new sealing key first, the current ones after it, so
    the file alone opens everything) and the file that now holds them, written before any
    secret is resealed: a failure later leaves secrets that the file still opens."""
    if new_key_file is not None:
        fresh = read_key_file(new_key_file) if new_key_file.exists() else (new_key(),)
        keys = (*fresh, *(key for key in current if key not in fresh))
        write_key_file(new_key_file, keys)
        return keys, new_key_file
    if source.file is None:
        raise SiyuError(
            f"the keys come from {source.describe()}, which this command cannot change: "
            "use --new-key-file FILE, then point SIYU_SECRET_KEY_FILE at FILE"
        )
    keys = (new_key(), *current)
    write_key_file(source.file, keys)
    return keys, source.file


@secrets_app.command("rotate")
@handles_errors
def rotate(
    new_key_file: Annotated[
        Path | None,
        typer.Option(
            "--new-key-file",
            help="Seal with the first key of this file (made with a new key if missing); the current keys "
            "are added after it. Without it, a new key goes first in the current key file.",
        ),
    ] = None,
) -> None:
    """Seal every stored secret with a new key; the old keys keep opening (audited as secrets.rotate)."""
    db = engine()
    source = keyring_of(db).source
    if source.in_memory:
        raise SiyuError("an in-memory database has no lasting key to rotate")
    keys, holder = _new_keys(source, source.load(), new_key_file)
    with writer(db).begin() as conn:
        done = secret_rotation.rotate(
            conn, Keyring(KeySource(keys=keys)), actor=CliActor.current(), now_us=to_us(parse_now(None))
        )
    out.print(f"{done.resealed} secret(s) sealed with key {done.key_id}; {holder} holds it first", markup=False)
    if new_key_file is not None and source.file != new_key_file:
        out.print(
            f"now set SIYU_SECRET_KEY_FILE={new_key_file} for every siyu process on this database (server, "
            "worker): until then they cannot open the channel secrets",
            markup=False,
        )
