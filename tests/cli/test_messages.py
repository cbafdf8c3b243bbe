"""Messages say each thing once and name the right thing: the sandbox file, the sign-in
host, and an option error before the usage."""

from __future__ import annotations

from pathlib import Path

import azure.identity.aio
import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ServiceRequestError

from tests.cli.inprocess import run_main
from tui.azure import auth
from tui.errors import AuthError
from tui.settings import Settings


def test_an_unusable_sandbox_file_is_named_once(
    env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "noise.db"
    path.write_bytes(bytes(range(256)) * 40)
    done = run_main(capsys, "--sandbox", "--sandbox-state", str(path), "list", "vnets")
    assert done.returncode == 2
    assert done.stderr.count("sandbox file") == 1, done.stderr
    assert done.stderr.startswith(f"vnettui: The sandbox file {path} cannot be used: ")
    assert "vnettui sandbox reset" in done.stderr


class Unreachable:
    """azure-identity's credential when the sign-in host does not answer."""

    def __init__(self, **kwargs: object) -> None:
        pass

    async def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        raise ServiceRequestError(
            "Cannot connect to host login.microsoftonline.us:443 ssl:default "
            "[Name or service not known]")

    async def close(self) -> None:
        return None


async def test_a_sign_in_host_that_does_not_answer_is_named_as_sign_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(azure.identity.aio, "DefaultAzureCredential", Unreachable)
    credential = auth.make_credential(Settings(cloud="usgov"))
    with pytest.raises(AuthError) as caught:
        await credential.get_token("https://management.core.usgovcloudapi.net/.default")
    message = str(caught.value)
    assert message.startswith("Could not reach the sign-in service login.microsoftonline.us: ")
    assert "Resource Manager" not in message
    assert caught.value.exit_code == 3


def test_an_option_error_comes_first_and_the_usage_is_short(
    env: dict[str, str], capsys: pytest.CaptureFixture[str],
) -> None:
    done = run_main(capsys, "list", "vnetz")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "vnettui list: error: argument what: invalid choice: 'vnetz' (choose from "
        "'subscriptions', 'vnets', 'vms', 'peerings')",
        "usage: vnettui list [options] {subscriptions,vnets,vms,peerings} [VNET]  "
        "(--help for more)",
    ]
