"""The rails in the real pipeline: AzureBackend and the SDK's clients over the sandbox, with a
SandboxTransport subclass that records every request that reaches it."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.mgmt.network.models import SubResource, VirtualNetworkPeering

from tui import redact
from tui.audit import read_audit
from tui.azure import AzureBackend
from tui.azure.auth import SignInCredential, cloud_endpoints
from tui.azure.connection import Connection, make_connection
from tui.errors import CloudError, RefusedError
from tui.model import PeeringFlags, ResourceId
from tui.sandbox import SandboxTransport
from tui.sandbox.builders import Estate
from tui.sandbox.scenarios import AZ303_SUBSCRIPTION, reset
from tui.sandbox.store import SandboxStore
from tui.sandbox.transport import SandboxResponse
from tui.settings import Settings

SUB = AZ303_SUBSCRIPTION
RG = f"/subscriptions/{SUB}/resourceGroups/rg-peering/providers/Microsoft.Network"
VNET1 = ResourceId(f"{RG}/virtualNetworks/vnet1")
VNET2 = ResourceId(f"{RG}/virtualNetworks/vnet2")
FAST = {"operation_seconds": 0}

PARTNER_SUB = "77777777-0000-4000-8000-000000000777"
PARTNER_TENANT = "99999999-0000-4000-8000-000000000999"
PARTNER_VNET = ResourceId(
    f"/subscriptions/{PARTNER_SUB}/resourceGroups/rg-partner/providers/Microsoft.Network/"
    "virtualNetworks/partner-vnet"
)
SENTINEL = "sentinel-bearer-token-9d8e7f"


class RecordingTransport(SandboxTransport):
    """The sandbox, noting each request that reaches it: (method, url, headers)."""

    def __init__(self, path: Path, **kwargs: Any) -> None:
        super().__init__(path, faults=kwargs.pop("faults", FAST), **kwargs)
        self.seen: list[tuple[str, str, dict[str, str]]] = []

    async def send(self, request: Any, **kwargs: Any) -> SandboxResponse:
        self.seen.append((request.method, str(request.url), dict(request.headers)))
        return await super().send(request, **kwargs)

    def writes(self) -> list[tuple[str, str]]:
        return [(m, u) for m, u, _ in self.seen if m not in ("GET", "HEAD")]


class TenantTokens:
    """A credential standing in for azure-identity: a distinct token per tenant asked for."""

    def __init__(self, token: str = "home-token-0123456789") -> None:
        self.token = token
        self.asked: list[str | None] = []

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        tenant = kwargs.get("tenant_id")
        self.asked.append(tenant)
        return AccessToken(f"token-for-{tenant}" if tenant else self.token, 4_000_000_000)

    async def close(self) -> None:
        return None


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("VNETTUI_SANDBOX_FAULTS", json.dumps(FAST))
    path = tmp_path / "sandbox.db"
    reset(path, "az303")
    return path


def sandbox_rows(path: Path) -> list[tuple[Any, ...]]:
    """Every resource in the sandbox file, to compare before and after."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        return [(t, *row) for t in sorted(tables) for row in conn.execute(f"select * from {t}")]


async def backend_with(
    settings: Settings, transport: RecordingTransport, credential: Any = None
) -> AzureBackend:
    connection = make_connection(settings)
    changes: dict[str, Any] = {"transport_factory": lambda: transport}
    if credential is not None:
        changes["credential"] = credential
    return AzureBackend(settings, connection._replace(**changes))


@pytest.fixture
async def read_only(sandbox: Path) -> AsyncIterator[tuple[AzureBackend, RecordingTransport]]:
    transport = RecordingTransport(sandbox)
    settings = Settings(sandbox=True, sandbox_state=sandbox, read_only=True)
    backend = await backend_with(settings, transport)
    async with backend:
        yield backend, transport


async def test_read_only_refuses_every_write_before_the_transport(
    sandbox: Path, read_only: tuple[AzureBackend, RecordingTransport]
) -> None:
    backend, transport = read_only
    before = sandbox_rows(sandbox)
    assert await backend.list_peerings(VNET1) == []  # reads still work
    with pytest.raises(RefusedError) as caught:
        await backend.put_peering(VNET1, "1and2", VNET2, PeeringFlags())
    assert caught.value.exit_code == 2
    assert "read-only" in str(caught.value)
    assert "nothing was sent" in str(caught.value)
    peering = ResourceId(f"{VNET1}/virtualNetworkPeerings/1and2")
    with pytest.raises(RefusedError):
        await backend.delete_peering(peering)
    assert transport.writes() == []
    assert sandbox_rows(sandbox) == before
    entries = read_audit()
    assert [(e.method, e.result, e.who) for e in entries] == [
        ("PUT", "refused", "sandbox"), ("DELETE", "refused", "sandbox")]
    assert entries[0].ids == (peering,)


async def test_a_write_sent_by_other_policies_is_refused_too(sandbox: Path) -> None:
    """ARM's auto-registration policy POSTs `register` on MissingSubscriptionRegistration;
    the guard sits after it in the pipeline and refuses that POST as well."""

    class NeedsRegistration(RecordingTransport):
        async def send(self, request: Any, **kwargs: Any) -> SandboxResponse:
            if request.method == "GET" and "/virtualnetworks/vnet1" in str(request.url).lower():
                self.seen.append((request.method, str(request.url), dict(request.headers)))
                body = {"error": {"code": "MissingSubscriptionRegistration",
                                  "message": "The subscription is not registered to use "
                                             "namespace 'Microsoft.Network'."}}
                return SandboxResponse(request, 409, {"Content-Type": "application/json"},
                                       json.dumps(body).encode())
            return await super().send(request, **kwargs)

    transport = NeedsRegistration(sandbox)
    settings = Settings(sandbox=True, sandbox_state=sandbox, read_only=True)
    async with await backend_with(settings, transport) as backend:
        with pytest.raises(RefusedError, match="register"):
            await backend.list_peerings(VNET1)
    assert transport.writes() == []


async def test_a_write_without_read_only_leaves_audit_entries(sandbox: Path) -> None:
    transport = RecordingTransport(sandbox)
    settings = Settings(sandbox=True, sandbox_state=sandbox)
    async with await backend_with(settings, transport) as backend:
        peering = await backend.put_peering(VNET1, "1and2", VNET2, PeeringFlags())
    assert peering.name == "1and2"
    assert [m for m, _ in transport.writes()] == ["PUT"]
    entries = read_audit()
    assert [e.result for e in entries] == ["accepted", "succeeded"]
    for entry in entries:
        assert entry.who == "sandbox"
        assert entry.method == "PUT"
        assert entry.operation == "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write"
        assert entry.ids == (f"{VNET1}/virtualNetworkPeerings/1and2",)


async def test_a_failed_write_is_audited_with_arms_code(sandbox: Path) -> None:
    transport = RecordingTransport(sandbox)
    settings = Settings(sandbox=True, sandbox_state=sandbox)
    async with await backend_with(settings, transport) as backend:
        await backend.put_peering(VNET1, "1and2", VNET2, PeeringFlags())
        with pytest.raises(CloudError):  # a second peering to the same remote VNet
            await backend.put_peering(VNET1, "again", VNET2, PeeringFlags())
    last = read_audit()[-1]
    assert last.result == "failed"
    assert last.code == "AnotherPeeringAlreadyReferencesRemoteVnet"


async def test_a_read_only_subscription_by_name(sandbox: Path) -> None:
    transport = RecordingTransport(sandbox)
    settings = Settings(sandbox=True, sandbox_state=sandbox,
                        read_only_subscriptions=("az-303 lab",))
    async with await backend_with(settings, transport) as backend:
        with pytest.raises(RefusedError, match="not known yet"):  # fails closed
            await backend.put_peering(VNET1, "1and2", VNET2, PeeringFlags())
        await backend.list_subscriptions()
        with pytest.raises(RefusedError, match="'AZ-303 Lab'"):
            await backend.put_peering(VNET1, "1and2", VNET2, PeeringFlags())
    assert transport.writes() == []
    other = Settings(sandbox=True, sandbox_state=sandbox, read_only_subscriptions=("Prod",))
    async with await backend_with(other, RecordingTransport(sandbox)) as backend:
        await backend.list_subscriptions()
        await backend.put_peering(VNET1, "1and2", VNET2, PeeringFlags())


def add_partner_tenant(path: Path) -> None:
    estate = Estate()
    estate.subscription(PARTNER_SUB, "Partner", tenant=PARTNER_TENANT)
    estate.resource_group(PARTNER_SUB, "rg-partner", "westeurope")
    estate.vnet(PARTNER_SUB, "rg-partner", "partner-vnet", ["10.9.0.0/16"],
                [("default", "10.9.0.0/24")])
    with SandboxStore(path) as store, store.write() as tx:
        estate.save(tx)


async def test_cross_tenant_peering_sends_the_remote_tenants_token(sandbox: Path) -> None:
    add_partner_tenant(sandbox)
    transport = RecordingTransport(sandbox)
    credential = TenantTokens()
    settings = Settings(sandbox=True, sandbox_state=sandbox)
    async with await backend_with(settings, transport, credential) as backend:
        await backend.list_subscriptions()
        await backend.put_peering(VNET1, "to-partner", PARTNER_VNET, PeeringFlags())
        await backend.put_peering(VNET1, "1and2", VNET2, PeeringFlags())
    puts = [(u, h) for m, u, h in transport.seen if m == "PUT"]
    assert len(puts) == 2
    (partner_url, partner_headers), (local_url, local_headers) = puts
    assert "to-partner" in partner_url
    assert partner_headers["x-ms-authorization-auxiliary"] == f"Bearer token-for-{PARTNER_TENANT}"
    assert partner_headers["Authorization"] == "Bearer home-token-0123456789"
    assert "1and2" in local_url
    assert "x-ms-authorization-auxiliary" not in {k.lower() for k in local_headers}
    assert PARTNER_TENANT in credential.asked


async def test_a_told_tenant_adds_the_auxiliary_token(sandbox: Path) -> None:
    transport = RecordingTransport(sandbox)
    settings = Settings(sandbox=True, sandbox_state=sandbox)
    async with await backend_with(settings, transport, TenantTokens()) as backend:
        await backend.list_subscriptions()
        with pytest.raises(CloudError):  # the remote VNet does not exist in this sandbox
            await backend.put_peering(VNET1, "to-partner", PARTNER_VNET, PeeringFlags(),
                                      remote_tenant=PARTNER_TENANT)
    (_, _, headers), = [s for s in transport.seen if s[0] == "PUT"]
    assert headers["x-ms-authorization-auxiliary"] == f"Bearer token-for-{PARTNER_TENANT}"


async def test_a_sentinel_token_never_reaches_logs_audit_or_errors(
    sandbox: Path, tmp_path: Path
) -> None:
    from tui.cli import setup_logging

    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    log_path = setup_logging()
    assert log_path is not None
    logging.getLogger().setLevel(logging.DEBUG)
    logging.getLogger("azure").setLevel(logging.DEBUG)
    transport = RecordingTransport(
        sandbox, faults={**FAST, "fail_writes": ["virtualNetworkPeerings/doomed"]})
    settings = Settings(sandbox=True, sandbox_state=sandbox)
    credential = SignInCredential(TenantTokens(SENTINEL), settings, cloud_endpoints("public"))
    connection: Connection = make_connection(settings)._replace(
        credential=credential, transport_factory=lambda: transport)
    errors: list[str] = []
    try:
        async with AzureBackend(settings, connection) as backend:
            client = backend.network(SUB)
            # logging_enable: the SDK's network trace logs every request header, token included.
            poller = await client.virtual_network_peerings.begin_create_or_update(
                "rg-peering", "vnet1", "doomed",
                VirtualNetworkPeering(remote_virtual_network=SubResource(id=VNET2)),
                logging_enable=True,
            )
            try:
                await poller.result()
            except Exception as error:
                errors.append(str(error))
            try:
                await backend.put_peering(VNET1, "doomed", VNET2, PeeringFlags())
            except CloudError as error:
                errors.append(str(error))
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
        logging.getLogger("azure").setLevel(logging.WARNING)
    assert transport.seen
    assert all(h["Authorization"] == f"Bearer {SENTINEL}" for _, _, h in transport.seen)
    logged = log_path.read_text()
    assert "Authorization" in logged  # the header was logged, its value was not
    assert SENTINEL not in logged
    assert read_audit()
    assert SENTINEL not in (tmp_path / "state" / "vnettui" / "audit.jsonl").read_text()
    assert errors
    assert all(SENTINEL not in e for e in errors)
    assert SENTINEL not in redact.redact(SENTINEL)
