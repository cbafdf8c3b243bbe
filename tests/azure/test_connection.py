"""Clients are built for the chosen cloud, with the safety policies, per `--auth`/`--cloud`."""

from __future__ import annotations

import pytest

from tui.azure import open_backend
from tui.azure.connection import PUBLIC_ARM, make_connection
from tui.errors import InputError
from tui.settings import Settings


@pytest.mark.parametrize(
    ("cloud", "endpoint", "scope"),
    [
        ("public", "https://management.azure.com", "https://management.azure.com/.default"),
        ("usgov", "https://management.usgovcloudapi.net",
         "https://management.core.usgovcloudapi.net/.default"),
        ("china", "https://management.chinacloudapi.cn",
         "https://management.chinacloudapi.cn/.default"),
    ],
)
async def test_every_client_talks_to_the_chosen_cloud(
    env: dict[str, str], cloud: str, endpoint: str, scope: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (("AZURE_TENANT_ID", "contoso.onmicrosoft.com"),
                        ("AZURE_CLIENT_ID", "app"), ("AZURE_CLIENT_SECRET", "not-a-secret")):
        monkeypatch.setenv(name, value)
    async with open_backend(Settings(auth="env", cloud=cloud)) as backend:
        assert backend.base_url == endpoint
        await backend._ready()
        for client in (backend.network("s1"), backend.compute("s1"),
                       backend._subscriptions_client()):
            assert client._config.base_url.rstrip("/") == endpoint
            assert client._config.credential_scopes == [scope]
        # The raw reads' pipeline asks for the same cloud's token.
        reader = await backend.reader()
        auth = next(p for p in reader._pipeline._impl_policies
                    if type(p).__name__ == "AsyncARMChallengeAuthenticationPolicy")
        assert auth._scopes == (scope,)


def test_sandbox_is_the_public_cloud_whatever_cloud_says(env: dict[str, str]) -> None:
    connection = make_connection(Settings(sandbox=True, cloud="china"))
    assert connection.base_url == PUBLIC_ARM
    assert connection.transport_factory is not None


def test_each_client_gets_its_own_policy_instances(env: dict[str, str]) -> None:
    connection = make_connection(Settings(sandbox=True, read_only=True))
    first = connection.client_kwargs()["per_retry_policies"]
    second = connection.client_kwargs()["per_retry_policies"]
    assert [type(p).__name__ for p in first] == [
        "ThrottlePolicy", "ReadOnlyGuardPolicy", "AuditPolicy", "MeterPolicy"]
    assert all(a is not b for a, b in zip(first, second, strict=True))
    # ...sharing the back-off, the rules and the audit log behind them.
    assert first[0].backoff is second[0].backoff
    assert first[1].rules is second[1].rules


def test_unknown_cloud_is_an_input_error(env: dict[str, str]) -> None:
    with pytest.raises(InputError, match="cloud"):
        make_connection(Settings(auth="env", cloud="mars"))
