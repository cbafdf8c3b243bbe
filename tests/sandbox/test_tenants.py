"""Cross-tenant rules: a subscription answers its own tenant's tokens; peering into another
tenant needs that tenant's token in x-ms-authorization-auxiliary (azure-mgmt-core's policy)."""

from __future__ import annotations

from pathlib import Path

import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.mgmt.core.policies import AsyncAuxiliaryAuthenticationPolicy
from azure.mgmt.network.aio import NetworkManagementClient

from tests.sandbox.conftest import AZ303, FAST, RG, link, subscription_client, vnet_id
from tui.sandbox import SandboxCredential, SandboxTransport
from tui.sandbox.scenarios import FABRIKAM_SUBSCRIPTION, FABRIKAM_TENANT
from tui.sandbox.tenants import HOME_TENANT

PARTNER = vnet_id(FABRIKAM_SUBSCRIPTION, "rg-partner", "partner-vnet")
SCOPE = "https://management.azure.com/.default"


def _client(path: Path, sub: str, credential: SandboxCredential,
            aux_tenants: list[str] | None = None) -> NetworkManagementClient:
    policies = []
    if aux_tenants:
        policies.append(AsyncAuxiliaryAuthenticationPolicy(
            [SandboxCredential(t) for t in aux_tenants], SCOPE))
    return NetworkManagementClient(
        credential, sub, transport=SandboxTransport(path, faults=FAST),
        per_retry_policies=policies, retry_total=0)


async def test_other_tenant_is_not_listed_and_needs_its_own_token(showcase: Path) -> None:
    async with subscription_client(showcase) as home:
        assert "Fabrikam Partner" not in [s.display_name async for s in home.subscriptions.list()]
    async with _client(showcase, FABRIKAM_SUBSCRIPTION, SandboxCredential()) as wrong:
        with pytest.raises(ClientAuthenticationError) as caught:
            await wrong.virtual_networks.get("rg-partner", "partner-vnet")
    assert caught.value.error.code == "InvalidAuthenticationTokenTenant"
    async with _client(showcase, FABRIKAM_SUBSCRIPTION, SandboxCredential(FABRIKAM_TENANT)) as ok:
        vnet = await ok.virtual_networks.get("rg-partner", "partner-vnet")
    assert vnet.address_space.address_prefixes == ["10.200.0.0/16"]


async def test_peering_into_another_tenant_needs_an_auxiliary_token(showcase: Path) -> None:
    async with _client(showcase, AZ303, SandboxCredential()) as plain:
        with pytest.raises(HttpResponseError) as caught:
            await link(plain, RG, "vnet1", "to-partner", PARTNER)
    assert (caught.value.status_code, caught.value.error.code) == (
        403, "LinkedAuthorizationFailed")
    assert FABRIKAM_TENANT in caught.value.message
    async with _client(showcase, AZ303, SandboxCredential(), [FABRIKAM_TENANT]) as aux:
        made = await link(aux, RG, "vnet1", "to-partner", PARTNER)
    assert made.peering_state == "Initiated"
    async with _client(showcase, FABRIKAM_SUBSCRIPTION, SandboxCredential(FABRIKAM_TENANT),
                       [HOME_TENANT]) as back:
        reverse = await link(back, "rg-partner", "partner-vnet", "to-vnet1",
                             vnet_id(AZ303, RG, "vnet1"))
    assert reverse.peering_state == "Connected"
