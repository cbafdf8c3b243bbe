"""The config file: strict validation with line numbers, and the command line winning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.cli import build_parser, settings_from
from tui.config import (
    confirmed,
    find_key_line,
    is_production,
    is_read_only,
    load_config,
    merge,
    parse_config,
    production_confirmation,
)
from tui.errors import InputError
from tui.model import Subscription, VirtualNetwork, rid
from tui.settings import Settings

GOOD = """\
# vnettui settings
auth = "device-code"
tenant = "contoso.onmicrosoft.com"
cloud = "usgov"
interval = 10
theme = "textual-light"
read_only = false

[keymap]
"vnettui.refresh" = "r,f5"
"vnettui.quit" = ["q", "ctrl+q"]

[subscriptions."Production Hub"]
production = true

[subscriptions.11111111-2222-3333-4444-555555555555]
read_only = true
"""


def test_a_good_file_gives_every_setting(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(GOOD)
    config = load_config(path)
    assert (config.auth, config.cloud) == ("device-code", "usgov")
    assert config.tenant == "contoso.onmicrosoft.com"
    assert config.interval == 10.0
    assert config.theme == "textual-light"
    assert config.read_only is False
    assert dict(config.keymap) == {"vnettui.refresh": "r,f5", "vnettui.quit": "q,ctrl+q"}
    assert config.subscriptions["Production Hub"].production
    assert config.subscriptions["11111111-2222-3333-4444-555555555555"].read_only


def test_the_default_file_lives_in_the_xdg_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_config().auth is None  # absent default file: empty config
    (tmp_path / "vnettui").mkdir()
    (tmp_path / "vnettui" / "config.toml").write_text('auth = "cli"\n')
    assert load_config().auth == "cli"


def test_an_explicit_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('auth = "cli"\ncloud = \n', 2, "not valid TOML"),
        ('auth = "cli"\n\nread_onyl = true\n', 3, "unknown key 'read_onyl'"),
        ('auth = "password"\n', 1, "not one of"),
        ('cloud = "mars"\n', 1, "not one of"),
        ('interval = -1\n', 1, "between 1 and 3600 seconds, not -1.0"),
        ('interval = "fast"\n', 1, "a number of seconds, not 'fast'"),
        ('interval = nan\n', 1, "between 1 and 3600 seconds, not nan"),
        ('interval = inf\n', 1, "not inf"),
        ('interval = 0.01\n', 1, "not 0.01"),
        ('interval = 86400\n', 1, "not 86400.0"),
        ('read_only = "yes"\n', 1, "true or false"),
        ('[keymap]\n"vnettui.quit" = 3\n', 2, "keymap.vnettui.quit"),
        ('theme = "x"\n[subscriptions."Prod"]\nproduction = 1\n', 3, "production"),
        ('[subscriptions."Prod"]\nproduction = true\nprod = true\n', 3, "unknown key 'prod'"),
        ('[subscriptions]\nProd = 3\n', 2, "must be a table"),
    ],
)
def test_a_bad_file_names_the_line(text: str, line: int, words: str, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path} line {line}:"), message
    assert words in message


def test_dotted_and_inline_keys_are_located() -> None:
    text = 'auth = "cli"\nsubscriptions.Prod.production = true\n'
    assert find_key_line(text, ("subscriptions", "Prod", "production")) == 2
    text = 'subscriptions = { Prod = { production = "x" } }\n'
    assert find_key_line(text, ("subscriptions", "Prod", "production")) == 1


@given(st.text(max_size=200))
def test_any_text_gives_a_config_or_an_input_error(text: str) -> None:
    message = ""
    try:
        parse_config(text)
    except InputError as error:
        message = str(error)
    assert message == "" or message.startswith("config")


def _settings(argv: list[str]) -> Settings:
    return settings_from(build_parser().parse_args(argv))


def test_the_command_line_wins_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(GOOD)
    from_file = _settings(["--config", str(path)])
    assert (from_file.auth, from_file.cloud, from_file.interval) == ("device-code", "usgov", 10.0)
    assert from_file.tenant == "contoso.onmicrosoft.com"
    assert from_file.keymap == {"vnettui.refresh": "r,f5", "vnettui.quit": "q,ctrl+q"}
    both = _settings(["--config", str(path), "--auth", "cli", "--cloud", "public",
                      "--interval", "2", "--tenant", "t2"])
    assert (both.auth, both.cloud, both.interval, both.tenant) == ("cli", "public", 2.0, "t2")


def test_built_in_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    settings = _settings([])
    assert (settings.auth, settings.cloud, settings.interval) == ("default", "public", 5.0)


def test_read_only_from_either_side_is_on() -> None:
    on_file = parse_config("read_only = true\n")
    assert merge(on_file, Settings()).read_only
    off_file = parse_config("read_only = false\n")
    assert merge(off_file, Settings(read_only=True), {"read_only"}).read_only


def test_per_subscription_rules_match_id_or_display_name_case_insensitively() -> None:
    settings = merge(parse_config(GOOD), Settings())
    hub = Subscription("99999999-0000-0000-0000-000000000000", "Production Hub")
    assert is_production(hub, settings)
    assert is_production("production hub", settings)
    assert not is_production(Subscription("x", "Lab"), settings)
    assert is_read_only("11111111-2222-3333-4444-555555555555".upper(), settings)
    assert not is_read_only(hub, settings)
    assert is_read_only(hub, Settings(read_only=True))


def test_production_needs_the_vnet_name_typed_exactly() -> None:
    settings = merge(parse_config(GOOD), Settings())
    hub = Subscription("99999999-0000-0000-0000-000000000000", "Production Hub")
    vnet = VirtualNetwork(
        id=rid(f"/subscriptions/{hub.id}/resourceGroups/rg/providers/Microsoft.Network/"
               "virtualNetworks/hub-vnet"),
        name="hub-vnet", resource_group="rg", subscription_id=hub.id, location="westeurope",
        address_prefixes=("10.0.0.0/16",),
    )
    expected = production_confirmation(vnet, settings, hub)
    assert expected == "hub-vnet"
    assert confirmed(expected, " hub-vnet ")
    for wrong in (None, "", "y", "yes", "HUB-VNET", "hub-vnet2"):
        assert not confirmed(expected, wrong)
    lab = Subscription(hub.id, "Lab")
    assert production_confirmation(vnet, settings, lab) is None
    assert confirmed(None, None)


def test_a_bad_file_on_the_command_line_exits_2_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('auth = "cli"\ninterval = 0\n')
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--config", str(path)],
        capture_output=True, text=True, env=env, check=False,
    )
    assert result.returncode == 2
    assert f"{path} line 2: interval must be" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cli_confirms_production_by_flag_or_prompt() -> None:
    import argparse

    from tui.config import add_production_argument, confirm_production
    from tui.errors import RefusedError

    settings = merge(parse_config(GOOD), Settings())
    hub = Subscription("99999999-0000-0000-0000-000000000000", "Production Hub")
    lab = Subscription("88888888-0000-0000-0000-000000000000", "Lab")

    def vnet(name: str, sub: Subscription) -> VirtualNetwork:
        return VirtualNetwork(
            id=rid(f"/subscriptions/{sub.id}/resourceGroups/rg/providers/Microsoft.Network/"
                   f"virtualNetworks/{name}"),
            name=name, resource_group="rg", subscription_id=sub.id, location="westeurope",
            address_prefixes=("10.0.0.0/16",),
        )

    targets = [(vnet("spoke", lab), lab), (vnet("hub-vnet", hub), hub)]
    with pytest.raises(RefusedError, match="--yes-production hub-vnet") as caught:
        confirm_production(targets, settings)
    assert caught.value.exit_code == 2
    parser = argparse.ArgumentParser()
    add_production_argument(parser)
    typed = parser.parse_args(["--yes-production", "hub-vnet"]).yes_production
    confirm_production(targets, settings, typed)  # confirmed: no error
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return "hub-vnet"

    confirm_production(targets, settings, ask=ask)
    assert len(asked) == 1
    assert "Production Hub" in asked[0]
    with pytest.raises(RefusedError):
        confirm_production(targets, settings, ["spoke"], ask=lambda _q: "yes")
