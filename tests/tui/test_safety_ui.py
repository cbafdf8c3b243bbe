"""Signing in, read-only and production rails, and the activity view, in the explorer.

Sign-in is tested at azure-identity's seam: its credential classes (looked up by
`tui.azure.auth` at call time) are replaced by stand-ins that fail or hand out a device
code; everything of ours runs for real. Where a sign-in succeeds, the sandbox answers in
place of ARM (its transport under the SDK, as for `--sandbox`), so the app loads an estate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import azure.identity
import azure.identity.aio
import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError
from textual.widgets import Static

import tui.azure
from tests.tui.conftest import LIVE_INTERVAL, QUIET_INTERVAL, Recorder, running
from tests.tui.waiting import wait_until
from tui.app import VnetTuiApp
from tui.audit import AuditLog, read_audit
from tui.azure.connection import Connection, sandbox_transport
from tui.sandbox.builders import PEERING_TYPE, VNET_TYPE
from tui.sandbox.store import SandboxStore
from tui.settings import Settings
from widgets.activity_screen import ActivityScreen
from widgets.device_code_screen import DeviceCodeScreen
from widgets.peering_form import PeeringForm
from widgets.peering_progress import PeeringProgress
from widgets.signin_screen import SignInScreen

NO_CREDENTIAL = (
    "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
    "Attempted credentials:\n"
    "\tEnvironmentCredential: EnvironmentCredential authentication unavailable. "
    "Environment variables are not fully configured.\n"
    "\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable.\n"
    "\tAzureCliCredential: Azure CLI not found on path"
)
DEVICE_URL = "https://microsoft.com/devicelogin"
DEVICE_CODE = "[b]QX7RT2LM"  # markup-looking on purpose: it must show literally


class NoCredential:
    """DefaultAzureCredential on a machine where nobody signed in."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        raise ClientAuthenticationError(NO_CREDENTIAL)

    async def close(self) -> None:
        return None


class Record:
    def serialize(self) -> str:
        return "{}"


class DeviceCode:
    """azure-identity's DeviceCodeCredential: hands out the code, then waits for the person
    (the test sets `signed_in`) before it returns the account."""

    signed_in = threading.Event()

    def __init__(self, *, prompt_callback: Callable[[str, str, datetime], None],
                 **kwargs: Any) -> None:
        self.prompt = prompt_callback

    def authenticate(self, scopes: list[str]) -> Record:
        self.prompt(DEVICE_URL, DEVICE_CODE, datetime.now(UTC) + timedelta(minutes=15))
        if not DeviceCode.signed_in.wait(20):
            raise ClientAuthenticationError("AADSTS70016: the code was not entered in time")
        return Record()

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("device-code-token", int(time.time()) + 3600)

    def close(self) -> None:
        return None


@pytest.fixture
def azure_on_sandbox(
    monkeypatch: pytest.MonkeyPatch, make_sandbox: Callable[..., Path]
) -> Iterator[Path]:
    """Azure settings (no --sandbox) whose requests the az303 sandbox answers; no
    credential works until the test signs in with the device-code stand-in."""
    path = make_sandbox("az303")
    real = tui.azure.make_connection

    def on_sandbox(settings: Settings, **kwargs: Any) -> Connection:
        connection = real(settings, **kwargs)
        if settings.sandbox:
            return connection
        return connection._replace(transport_factory=lambda: sandbox_transport(path))

    monkeypatch.setattr(tui.azure, "make_connection", on_sandbox)
    monkeypatch.setattr(azure.identity.aio, "DefaultAzureCredential", NoCredential)
    monkeypatch.setattr(azure.identity, "DeviceCodeCredential", DeviceCode)
    DeviceCode.signed_in = threading.Event()
    yield path
    DeviceCode.signed_in.set()  # a sign-in thread still waiting ends now


def azure_app(path: Path, **settings: Any) -> VnetTuiApp:
    return VnetTuiApp(Settings(sandbox_state=path, interval=QUIET_INTERVAL,
                               theme="textual-dark", **settings))


def showing(app: VnetTuiApp, kind: type[Any]) -> Callable[[], bool]:
    """The screen on top is a `kind`, composed (its text is there to read)."""
    return lambda: isinstance(app.screen, kind) and bool(app.screen.query(Static))


def shown(screen: Any) -> str:
    return "\n".join(str(s.render()) for s in screen.query(Static))


async def test_device_code_shows_in_a_modal_and_closes_once_signed_in(
    azure_on_sandbox: Path,
) -> None:
    app = azure_app(azure_on_sandbox, auth="device-code")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, showing(app, DeviceCodeScreen),
                         "the device-code modal")
        screen = app.screen
        assert DEVICE_URL in shown(screen)
        assert str(screen.query_one("#device-code", Static).render()) == DEVICE_CODE
        assert app.explorer.loads == 0
        DeviceCode.signed_in.set()  # the person entered the code in a browser
        await wait_until(pilot, lambda: app.explorer.loads >= 1, "the inventory after signing in")
        assert not isinstance(app.screen, DeviceCodeScreen)
        assert {v.name for v in app.explorer.state.inventory.vnets} == {"vnet1", "vnet2"}


async def test_no_credential_explains_each_fix_and_s_opens_the_sandbox(
    azure_on_sandbox: Path, make_sandbox: Callable[..., Path],
) -> None:
    showcase = make_sandbox("showcase", name="showcase.db")
    recorder = Recorder()
    app = azure_app(showcase)
    async with app.run_test(size=(120, 36), message_hook=recorder) as pilot:
        await wait_until(pilot, showing(app, SignInScreen),
                         "the sign-in screen")
        # The explanation may land a frame after the screen: wait for it, not a moment.
        await wait_until(pilot, lambda: "AZURE_CLIENT_ID" in shown(app.screen),
                         "the explanation with every fix")
        text = shown(app.screen)
        assert "Could not sign in to Azure (NoCredential)" in text
        for fix in ("az login", "AZURE_CLIENT_ID", "--auth device-code", "Azure CLI not found"):
            assert fix in text, fix
        for key in ("s", "d", "r", "q"):
            assert f" {key} " in text
        assert not recorder.notes("error")  # the screen, not a toast
        await pilot.press("s")
        await wait_until(pilot, lambda: app.explorer.loads >= 1, "the sandbox inventory")
        assert app.settings.sandbox
        assert not isinstance(app.screen, SignInScreen)
        names = {v.name for v in app.explorer.state.inventory.vnets}
        assert {"vnet1", "hub-vnet", "legacy-vnet"} <= names
        assert app.query_one("#header").info.source == "sandbox"  # type: ignore[attr-defined]


async def test_sign_in_screen_d_signs_in_with_a_device_code_instead(
    azure_on_sandbox: Path,
) -> None:
    app = azure_app(azure_on_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, showing(app, SignInScreen),
                         "the sign-in screen")
        await pilot.press("d")
        await wait_until(pilot, showing(app, DeviceCodeScreen),
                         "the device-code modal")
        assert app.settings.auth == "device-code"
        assert not app.settings.sandbox
        DeviceCode.signed_in.set()
        await wait_until(pilot, lambda: app.explorer.loads >= 1, "the inventory after signing in")
        assert len(app.explorer.state.inventory.vnets) == 2


async def test_sign_in_screen_q_quits_with_the_auth_exit_code(azure_on_sandbox: Path) -> None:
    app = azure_app(azure_on_sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, showing(app, SignInScreen),
                         "the sign-in screen")
        await pilot.press("q")
        await wait_until(pilot, lambda: app.return_code is not None, "the app to exit")
    assert app.return_value == 3


def sandbox_state(path: Path) -> dict[str, str]:
    """Every VNet and peering in the sandbox with its etag: any write changes one."""
    with SandboxStore(path) as store, store.read() as tx:
        return {r.id: r.etag for kind in (VNET_TYPE, PEERING_TYPE)
                for r in tx.all_of_type(kind)}


def write_keys_enabled(app: VnetTuiApp) -> dict[str, bool]:
    bindings = app.screen.active_bindings
    return {key: bindings[key].enabled for key in ("p", "d", "s", "e")}


async def test_read_only_dims_p_d_s_e_and_nothing_reaches_the_sandbox(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("showcase", read_only=True)
    path = app.settings.sandbox_path()
    before = sandbox_state(path)
    async with running(app) as (pilot, recorder):
        assert write_keys_enabled(app) == dict.fromkeys("pdse", False)
        await pilot.press("3", "p", "d", "s", "e")
        await wait_until(pilot, lambda: len(recorder.notes("warning")) >= 4,
                         "a refusal for each write key")
        assert not isinstance(app.screen, PeeringForm | PeeringProgress)
        assert all(n.startswith("Read-only mode") for n in recorder.notes("warning"))
        assert "read-only" in str(app.explorer.details.border_subtitle)
    assert sandbox_state(path) == before
    # Nothing was sent; each refused key is on record as a refusal, with no request.
    entries = read_audit()
    assert entries
    assert all(e.result == "refused" and not e.method for e in entries)


async def test_a_read_only_subscription_dims_writes_only_on_its_vnets(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    app = make_app("showcase", read_only_subscriptions=("AZ-303 Lab",),
                   production_subscriptions=("Contoso Platform",))
    async with running(app) as (pilot, recorder):
        app.explorer.jump_to_vnet(app.explorer.state.inventory.vnets_in(
            next(s.id for s in app.explorer.state.inventory.subscriptions if s.name == "AZ-303 Lab")
        )[0].id.casefold())
        await pilot.pause()
        assert write_keys_enabled(app)["p"] is False
        await pilot.press("p")
        await wait_until(pilot, lambda: bool(recorder.notes("warning")), "the refusal")
        assert "AZ-303 Lab is read-only in the config file" in recorder.notes("warning")[0]
        hub = next(v for v in app.explorer.state.inventory.vnets if v.name == "hub-vnet")
        app.explorer.jump_to_vnet(hub.id.casefold())
        await pilot.pause()
        assert write_keys_enabled(app)["p"] is True
        assert "production" in str(app.explorer.details.border_title)


async def test_production_write_needs_the_names_typed_then_shows_in_activity(
    make_app: Callable[..., VnetTuiApp],
) -> None:
    # Links are watched settling at the poll interval: a short one keeps the test quick.
    app = make_app("az303", interval=LIVE_INTERVAL, production_subscriptions=("AZ-303 Lab",))
    path = app.settings.sandbox_path()
    async with running(app) as (pilot, _):
        await pilot.press("p")
        form = app.screen
        assert isinstance(form, PeeringForm)
        await pilot.press(*"vnet2", "tab", *"1and2", "tab", *"2and1", "enter")
        assert app.screen is form  # not sent: the production names are not typed yet
        assert "Type vnet1 to confirm" in str(form.query_one("#problems", Static).render())
        assert not any(PEERING_TYPE in k for k in map(str, sandbox_state(path)))
        await pilot.press(*"vnet1", "enter", *"vnet2", "enter")
        await wait_until(
            pilot, lambda: isinstance(app.screen, PeeringProgress) and app.screen.finished,
            "the peering to finish",
        )
        await pilot.press("enter")  # close the progress
        peerings = {k.rsplit("/", 1)[-1] for k in sandbox_state(path) if "Peerings/" in k}
        assert peerings == {"1and2", "2and1"}

        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ActivityScreen),
                         "the activity view")
        activity = app.screen
        assert isinstance(activity, ActivityScreen)
        newest = activity.entries
        assert newest, "the writes are listed"
        assert newest == list(reversed(read_audit()))
        writes = [e for e in newest if e.method == "PUT"]
        assert {e.ids[0].rsplit("/", 1)[-1] for e in writes} == {"1and2", "2and1"}
        assert {e.who for e in writes} == {"sandbox"}
        table = activity.table
        assert table.row_count == len(newest)
        first = [str(cell) for cell in table.cells_of(table.keys[0]) or ()]
        assert first[2] == "write peering"
        assert first[4].startswith(newest[0].result)
        assert first[3] in ("vnet1/1and2", "vnet2/2and1")

        # A write from elsewhere (another shell's `vnettui unpeer`): r shows it.
        AuditLog(fallback_who="ada@contoso.com").record(
            "DELETE", f"https://management.azure.com{writes[0].ids[0]}?api-version=x",
            "succeeded", status=200,
        )
        await pilot.press("r")
        await wait_until(pilot, lambda: table.row_count == len(newest) + 1, "the new entry")
        first = [str(cell) for cell in table.cells_of(table.keys[0]) or ()]
        assert first[1:3] == ["ada@contoso.com", "delete peering"]
