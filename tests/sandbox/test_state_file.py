"""The sandbox file: `sandbox reset` recovers a broken one; any other SQLite database is
refused and left untouched (issue 10, items 10 and 11)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui.cli import main
from tui.sandbox import SandboxFileError
from tui.sandbox.builders import VNET_TYPE
from tui.sandbox.scenarios import reset
from tui.sandbox.store import APPLICATION_ID, SCHEMA_VERSION, SandboxStore


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> object:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("VNETTUI_SANDBOX_FAULTS", '{"operation_seconds": 0}')

    def run(path: Path, *args: str) -> tuple[int, str, str]:
        code = main(["--sandbox", "--sandbox-state", str(path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _vnets(path: Path) -> list[str]:
    with SandboxStore(path) as store, store.read() as tx:
        return sorted(r.name for r in tx.all_of_type(VNET_TYPE))


def _aside(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.iterdir() if ".corrupt-" in p.name)


def _foreign(path: Path, application_id: int = 0) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('keep me')")
    conn.execute(f"PRAGMA application_id = {application_id}")
    conn.commit()
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("damage", ["random bytes", "truncated", "a directory"])
def test_reset_moves_a_broken_file_aside_and_starts_fresh(
    tmp_path: Path, cli: object, damage: str
) -> None:
    path = tmp_path / "sandbox.db"
    if damage == "random bytes":
        path.write_bytes(bytes(range(256)) * 64)
    elif damage == "truncated":
        reset(path, "showcase")
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        path.mkdir()
        (path / "inside.txt").write_text("kept")
    before = path.read_bytes() if path.is_file() else None

    code, out, err = cli(path, "sandbox", "reset", "--scenario", "az303")  # type: ignore[operator]

    assert code == 0, err
    (aside,) = _aside(path)
    assert aside.name.startswith("sandbox.db.corrupt-")
    assert f"moved it aside to {aside}" in out
    if before is not None:
        assert aside.read_bytes() == before
    else:
        assert (aside / "inside.txt").read_text() == "kept"
    assert _vnets(path) == ["vnet1", "vnet2"]


def test_a_truncated_file_fails_commands_with_the_way_out(tmp_path: Path, cli: object) -> None:
    path = tmp_path / "sandbox.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 40)
    code, _, err = cli(path, "list", "vnets")  # type: ignore[operator]
    assert code == 2
    assert "vnettui sandbox reset" in err
    assert "Traceback" not in err


def test_reset_refuses_another_sqlite_database_and_leaves_it_untouched(
    tmp_path: Path, cli: object
) -> None:
    path = tmp_path / "notes.db"
    before = _foreign(path)
    code, out, err = cli(path, "sandbox", "reset")  # type: ignore[operator]
    assert code == 2
    assert "not a vnettui sandbox" in err
    assert "left untouched" in err
    assert path.read_bytes() == before
    assert _aside(path) == []
    assert not out


def test_commands_refuse_another_sqlite_database_and_leave_it_untouched(
    tmp_path: Path, cli: object
) -> None:
    path = tmp_path / "notes.db"
    before = _foreign(path)
    code, _, err = cli(path, "list", "vnets")  # type: ignore[operator]
    assert code == 2
    assert "not a vnettui sandbox" in err
    # `sandbox reset` refuses such a file (above), so the message must not send one there.
    assert "sandbox reset" not in err
    assert "choose another with --sandbox-state" in err
    assert path.read_bytes() == before


def test_an_empty_database_of_another_application_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SandboxFileError, match="not a vnettui sandbox"):
        SandboxStore(path)
    assert path.read_bytes() == before


def test_a_sandbox_file_says_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    reset(path, "az303")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_sandbox_from_before_application_ids_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    reset(path, "az303")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 0")
    conn.execute("PRAGMA user_version = 0")
    conn.close()
    assert _vnets(path) == ["vnet1", "vnet2"]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_a_sandbox_from_a_newer_vnettui_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    reset(path, "az303")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SandboxFileError, match="newer"):
        SandboxStore(path)
    with pytest.raises(SandboxFileError, match="newer"):
        reset(path, "az303")
    assert _aside(path) == []


async def test_the_transport_keeps_sqlites_own_error_as_the_cause(tmp_path: Path) -> None:
    """What SQLite said (damaged, busy...) stays reachable, so the client can tell a locked
    file (wait) from a damaged one (reset); a SandboxFileError raised "from" itself hid it
    and sent the person to `sandbox reset` for a file that was only locked."""
    from azure.core.rest import HttpRequest

    from tui.sandbox import SandboxTransport

    path = tmp_path / "sandbox.db"
    path.write_bytes(b"not a database, just text that is long enough to be read as a header")
    transport = SandboxTransport(path, faults={"operation_seconds": 0})
    request = HttpRequest("GET", "https://management.azure.com/subscriptions?api-version=1")
    for _ in range(2):  # opening the file, and a request after it failed once
        with pytest.raises(SandboxFileError) as caught:
            await transport.send(request)
        cause = caught.value.__cause__
        assert isinstance(cause, sqlite3.DatabaseError)
        assert cause is not caught.value
        assert cause.sqlite_errorcode & 0xFF == sqlite3.SQLITE_NOTADB
    await transport.close()
