"""Credential selection, clouds, tenants and sign-in failures, tested at the azure-identity seam.

azure-identity's classes are replaced by recording stand-ins (monkeypatching the module
attribute `tui.azure.auth` looks them up from); everything of ours runs for real.
"""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import azure.identity
import azure.identity.aio
import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CredentialUnavailableError

from tui import redact
from tui.azure import auth
from tui.errors import AuthError, InputError
from tui.settings import Settings

SENTINEL = "sentinel-access-token-4c1d"


class Recorder:
    """Stands in for an azure-identity credential class and records how it was used."""

    made: ClassVar[list[Recorder]] = []
    fail: ClassVar[BaseException | None] = None

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.calls: list[tuple[tuple[str, ...], dict[str, Any]]] = []
        Recorder.made.append(self)

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.calls.append((scopes, kwargs))
        if Recorder.fail is not None:
            raise Recorder.fail
        return AccessToken(SENTINEL, 4_000_000_000)

    async def close(self) -> None:
        return None


def recorder(name: str) -> type[Recorder]:
    return type(name, (Recorder,), {})


@pytest.fixture(autouse=True)
def identity_classes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    Recorder.made = []
    Recorder.fail = None
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    # What `--auth env` checks for before building its credential (a service principal).
    monkeypatch.setenv("AZURE_TENANT_ID", "11111111-1111-1111-1111-111111111111")
    monkeypatch.setenv("AZURE_CLIENT_ID", "22222222-2222-2222-2222-222222222222")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "not-a-real-secret-value")
    for name in ("DefaultAzureCredential", "AzureCliCredential", "EnvironmentCredential",
                 "ManagedIdentityCredential"):
        monkeypatch.setattr(azure.identity.aio, name, recorder(name))


@pytest.mark.parametrize(
    ("method", "cls"),
    [
        ("default", "DefaultAzureCredential"),
        ("cli", "AzureCliCredential"),
        ("env", "EnvironmentCredential"),
        ("managed-identity", "ManagedIdentityCredential"),
    ],
)
async def test_each_auth_flag_picks_its_credential(method: str, cls: str) -> None:
    credential = auth.make_credential(Settings(auth=method))
    assert type(credential.inner).__name__ == cls
    token = await credential.get_token("https://management.azure.com/.default")
    assert token.token == SENTINEL
    assert SENTINEL not in redact.redact(f"got {token.token}")  # remembered for redaction


@pytest.mark.parametrize(
    ("cloud", "host", "arm", "scope"),
    [
        ("public", "login.microsoftonline.com", "https://management.azure.com",
         "https://management.azure.com/.default"),
        ("usgov", "login.microsoftonline.us", "https://management.usgovcloudapi.net",
         "https://management.core.usgovcloudapi.net/.default"),
        ("china", "login.chinacloudapi.cn", "https://management.chinacloudapi.cn",
         "https://management.chinacloudapi.cn/.default"),
    ],
)
def test_each_cloud_sets_authority_endpoint_and_scope(
    cloud: str, host: str, arm: str, scope: str
) -> None:
    endpoints = auth.cloud_endpoints(cloud)
    assert (endpoints.authority_host, endpoints.resource_manager, endpoints.scope) == (
        host, arm, scope)
    for method in ("default", "env"):
        made = auth.make_credential(Settings(auth=method, cloud=cloud))
        assert made.inner.kwargs["authority"] == host
    options = auth.client_options(Settings(cloud=cloud))
    assert options["base_url"] == arm
    assert options["credential_scopes"] == [scope]


def test_the_sandbox_always_talks_to_the_public_address() -> None:
    assert auth.client_options(Settings(sandbox=True, cloud="china"))["base_url"] == (
        "https://management.azure.com")


def test_an_unknown_cloud_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown cloud"):
        auth.cloud_endpoints("mars")


async def test_tenant_reaches_every_token_request() -> None:
    cli = auth.make_credential(Settings(auth="cli", tenant="t-cli"))
    assert cli.inner.kwargs["tenant_id"] == "t-cli"
    default = auth.make_credential(Settings(auth="default", tenant="t-dac"))
    await default.get_token("scope")
    assert default.inner.calls[-1][1]["tenant_id"] == "t-dac"
    assert default.inner.kwargs["additionally_allowed_tenants"] == ["*"]


async def test_the_env_client_secret_is_never_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "Zx9~client-secret-value")
    auth.make_credential(Settings(auth="env"))
    assert "Zx9~client-secret-value" not in redact.redact("secret is Zx9~client-secret-value")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("50076", "multi-factor"), ("50079", "register"), ("53003", "Conditional Access"),
        ("530003", "compliant device"), ("50158", "external security challenge"),
        ("700016", "client id"), ("7000215", "client secret is wrong"),
    ],
)
async def test_aadsts_codes_are_explained_in_a_sentence(code: str, words: str) -> None:
    Recorder.fail = ClientAuthenticationError(
        message=f"AADSTS{code}: Due to a configuration change... Trace ID: x Bearer {SENTINEL}")
    credential = auth.make_credential(Settings(auth="cli"))
    with pytest.raises(AuthError) as caught:
        await credential.get_token("scope")
    assert caught.value.code == f"AADSTS{code}"
    assert words in str(caught.value)
    assert SENTINEL not in str(caught.value)
    assert caught.value.exit_code == 3


DAC_FAILURE = "\n".join([
    "DefaultAzureCredential failed to retrieve a token from the included credentials.",
    "Attempted credentials:",
    "\tEnvironmentCredential: EnvironmentCredential authentication unavailable. "
    "Environment variables are not fully configured.",
    "\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, "
    "no response from the IMDS endpoint.",
    "\tAzureCliCredential: Please run 'az login' to set up an account",
    "To mitigate this issue, please refer to the troubleshooting guidelines here at "
    "https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot.",
])


async def test_no_credential_worked_lists_what_was_tried_and_each_fix() -> None:
    Recorder.fail = ClientAuthenticationError(message=DAC_FAILURE)
    credential = auth.make_credential(Settings(auth="default"))
    with pytest.raises(AuthError) as caught:
        await credential.get_token("scope")
    text = str(caught.value)
    assert caught.value.code == "NoCredential"
    for part in ("a service principal from the environment", "AZURE_CLIENT_SECRET",
                 "a managed identity", "the Azure CLI", "az login --use-device-code",
                 "--auth device-code", "vnettui --sandbox"):
        assert part in text
    assert "Azure PowerShell" not in text  # only what the chain said it tried


async def test_a_single_method_failure_names_its_fix() -> None:
    Recorder.fail = CredentialUnavailableError(message="Azure CLI not found on path")
    with pytest.raises(AuthError, match="az cloud set"):
        await auth.make_credential(Settings(auth="cli", cloud="usgov")).get_token("scope")


async def test_other_errors_pass_through_unchanged() -> None:
    Recorder.fail = TimeoutError()
    with pytest.raises(asyncio.TimeoutError):
        await auth.make_credential(Settings()).get_token("scope")


class FakeRecord:
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant

    def serialize(self) -> str:
        return json.dumps({"tenantId": self.tenant})

    @classmethod
    def deserialize(cls, text: str) -> FakeRecord:
        return cls(text)


class FakeDeviceCode:
    made: ClassVar[list[FakeDeviceCode]] = []

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.thread: threading.Thread | None = None
        FakeDeviceCode.made.append(self)

    def authenticate(self, scopes: list[str]) -> FakeRecord:
        self.thread = threading.current_thread()
        expires = datetime(2030, 1, 1, 12, 30, tzinfo=UTC)
        self.kwargs["prompt_callback"]("https://microsoft.com/devicelogin", "ABCD-1234", expires)
        return FakeRecord("t1")

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(SENTINEL, 4_000_000_000)

    def close(self) -> None:
        return None


async def test_device_code_goes_to_the_handler_on_the_loop_and_the_account_is_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    FakeDeviceCode.made = []
    monkeypatch.setattr(azure.identity, "DeviceCodeCredential", FakeDeviceCode)
    monkeypatch.setattr(azure.identity, "AuthenticationRecord", FakeRecord)
    seen: list[tuple[auth.DeviceCodePrompt, threading.Thread]] = []
    got = asyncio.Event()

    def handler(prompt: auth.DeviceCodePrompt) -> None:
        seen.append((prompt, threading.current_thread()))
        got.set()

    settings = Settings(auth="device-code", tenant="t1", cloud="china")
    credential = auth.make_credential(settings, device_code=handler)
    token = await credential.get_token("https://management.chinacloudapi.cn/.default")
    await asyncio.wait_for(got.wait(), 5)
    assert token.token == SENTINEL
    prompt, thread = seen[0]
    assert (prompt.url, prompt.code) == ("https://microsoft.com/devicelogin", "ABCD-1234")
    assert "ABCD-1234" in prompt.instructions()
    assert thread is threading.main_thread()  # the TUI may touch widgets from the handler
    assert FakeDeviceCode.made[0].thread is not threading.main_thread()
    made = FakeDeviceCode.made[0].kwargs
    assert made["authority"] == "login.chinacloudapi.cn"
    assert made["tenant_id"] == "t1"
    assert made["cache_persistence_options"].allow_unencrypted_storage is True
    assert auth.record_path(settings).read_text() == '{"tenantId": "t1"}'
    # The next start reuses the account: no new device code.
    again = auth.make_credential(settings, device_code=handler)
    await again.get_token("https://management.chinacloudapi.cn/.default")
    assert "authentication_record" in FakeDeviceCode.made[1].kwargs
    assert len(seen) == 1


@pytest.mark.parametrize(("mode", "expected"), [("auto", True), ("encrypted", False)])
def test_token_cache_choice(mode: str, expected: bool) -> None:
    options = auth.token_cache_options(Settings(token_cache=mode))
    assert options.allow_unencrypted_storage is expected
    assert auth.token_cache_options(Settings(token_cache="off")) is None


def test_missing_rights_name_the_role_and_the_side() -> None:
    local = ("/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Network/"
             "virtualNetworks/vnet1")
    remote = ("/subscriptions/s2/resourceGroups/rg2/providers/Microsoft.Network/"
              "virtualNetworks/vnet2")
    linked = auth.missing_right_hint("LinkedAuthorizationFailed", local, remote)
    assert linked is not None
    assert "peer/action" in linked
    assert "vnet2" in linked
    assert "s2" in linked
    own = auth.missing_right_hint("AuthorizationFailed", local, remote)
    assert own is not None
    assert "Network Contributor" in own
    assert "vnet1" in own
    assert auth.missing_right_hint("VnetAddressSpacesOverlap", local, remote) is None


async def test_a_device_code_refusal_comes_back_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refusing(FakeDeviceCode):
        def authenticate(self, scopes: list[str]) -> FakeRecord:
            raise ClientAuthenticationError(message="AADSTS53003: Access has been blocked")

    monkeypatch.setattr(azure.identity, "DeviceCodeCredential", Refusing)
    monkeypatch.setattr(azure.identity, "AuthenticationRecord", FakeRecord)
    credential = auth.make_credential(Settings(auth="device-code"), device_code=lambda p: None)
    with pytest.raises(AuthError) as caught:
        await credential.get_token("https://management.azure.com/.default")
    assert caught.value.code == "AADSTS53003"
    assert "Conditional Access" in str(caught.value)
