"""Bad input at the command line and in the config file: exit 2 (3 for sign-in settings)
with one line saying what is wrong, never a traceback, a trimmed name or an unbounded run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.inprocess import run_main
from tui.keymap import key_problem


def sandboxed(capsys: pytest.CaptureFixture[str], path: Path, *argv: str,
              **env: str) -> subprocess.CompletedProcess[str]:
    return run_main(capsys, "--sandbox", "--sandbox-state", str(path), *argv, env=env)


def one_error(done: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert words in done.stderr.splitlines()[0], done.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0", "0.01", "3601", "1e308"])
def test_interval_outside_1_to_3600_seconds_is_refused(
    value: str, env: dict[str, str], sandbox_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    done = sandboxed(capsys, sandbox_path, f"--interval={value}", "list", "subscriptions")
    one_error(done, 2, "argument --interval: must be between 1 and 3600 seconds")


def test_interval_limits_themselves_are_fine(
    env: dict[str, str], sandbox_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    for value in ("1", "3600"):
        assert sandboxed(capsys, sandbox_path, "--interval", value, "list",
                         "subscriptions").returncode == 0


@pytest.mark.parametrize(("argv", "words"), [
    (("--vnets", "3", "--subscriptions", "5"), "--subscriptions 5 is more than --vnets 3"),
    (("--vnets", "10000000"), "--vnets: must be 1-50,000, not 10,000,000"),
    (("--subscriptions", "1001"), "--subscriptions: must be 1-1,000"),
    (("--seed", "-1"), "--seed: must be 0-999,999"),
])
def test_impossible_or_huge_estates_are_refused_with_the_limits(
    argv: tuple[str, ...], words: str, env: dict[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "estate.db"
    done = sandboxed(capsys, path, "sandbox", "reset", "--scenario", "estate", *argv)
    one_error(done, 2, words)
    assert not path.exists()


def test_a_config_file_is_read_up_to_one_mebibyte(
    env: dict[str, str], sandbox_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    huge = tmp_path / "huge.toml"
    huge.write_text("# padding\n" * (110 * 1024))
    for config in ("/dev/zero", str(huge)):
        done = sandboxed(capsys, sandbox_path, "--config", config, "list", "subscriptions")
        one_error(done, 2, f"config file {config} is larger than 1 MiB")


@pytest.mark.parametrize("name", [" vnet1", "vnet1 ", "vnet1\t", "vn\x1bet1", "rg-peering/ vnet1",
                                  "vnet1\u200b"])
def test_names_with_surrounding_space_or_control_characters_are_refused(
    name: str, env: dict[str, str], sandbox_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    done = sandboxed(capsys, sandbox_path, "peer", name, "vnet2")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert repr(name) in done.stderr or "RESOURCE_GROUP/NAME" in done.stderr
    assert done.stdout == ""


def test_subscription_and_tenant_options_are_checked(
    env: dict[str, str], sandbox_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    one_error(sandboxed(capsys, sandbox_path, "--subscription", "AZ-303 Lab ", "list", "vnets"),
              2, "Cannot use 'AZ-303 Lab ' as --subscription: it starts or ends with white space")
    one_error(sandboxed(capsys, sandbox_path, "--tenant", "contoso\n.com", "list", "vnets"),
              2, "--tenant: 'contoso\\n.com' is not a tenant id or domain")


def test_config_names_and_keymap_problems_name_their_line(
    env: dict[str, str], sandbox_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cases = {
        '[subscriptions."AZ-303 Lab "]\nread_only = true\n':
            (1, "subscription name 'AZ-303 Lab ' cannot be used: it starts or ends"),
        'tenant = "not a tenant"\n': (1, "tenant 'not a tenant' is not a tenant id"),
        'theme = "textual-dark"\n[keymap]\n"vnettui.refresh" = "r,f5"\n"vnettui.nope" = "x"\n':
            (4, "unknown binding id 'vnettui.nope' (known: "),
        '[keymap]\n"vnettui.refresh" = "r,ctrl+foo"\n': (2, "'foo' is not a key name"),
        '[keymap]\n"vnettui.quit" = "cmd+q"\n': (2, "'cmd' is not a modifier"),
    }
    for number, (text, (line, words)) in enumerate(cases.items()):
        config = tmp_path / f"c{number}.toml"
        config.write_text(text)
        # No subcommand: the explorer, which checks its keymap before it starts.
        done = sandboxed(capsys, sandbox_path, "--config", str(config))
        one_error(done, 2, f"{config} line {line}: ")
        assert words in done.stderr


def test_textual_key_names_are_accepted() -> None:
    for key in ("r", "f5", "question_mark", "ctrl+p", "shift+tab", "space", "enter", "pageup",
                "comma", "full_stop", "plus", "minus", "1", "?", "escape", "ctrl+shift+up"):
        assert key_problem(key) is None, key


@pytest.mark.parametrize(("variables", "words"), [
    ({"AZURE_CLIENT_SECRET": ""}, "--auth env: AZURE_CLIENT_SECRET is empty"),
    ({"AZURE_CLIENT_CERTIFICATE_PATH": "/nonexistent/sp.pem"},
     "--auth env: AZURE_CLIENT_CERTIFICATE_PATH /nonexistent/sp.pem is not a file"),
    ({"AZURE_CLIENT_SECRET": "s3cr3t-value", "AZURE_TENANT_ID": "not a tenant"},
     "--auth env: AZURE_TENANT_ID 'not a tenant' is not a tenant id or domain"),
    ({"AZURE_CLIENT_SECRET": "s3cr3t-value", "AZURE_CLIENT_ID": ""},
     "--auth env: AZURE_CLIENT_ID is not set"),
])
def test_a_bad_service_principal_is_one_line_and_exit_3(
    variables: dict[str, str], words: str, env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    sp = {"AZURE_TENANT_ID": "contoso.onmicrosoft.com", "AZURE_CLIENT_ID": "app-id",
          **variables}
    done = run_main(capsys, "--auth", "env", "list", "subscriptions", env=sp)
    one_error(done, 3, words)
    assert len(done.stderr.splitlines()) == 1
