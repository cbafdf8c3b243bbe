"""Mermaid and dot from the same graph (pure), and `vnettui topology` on the showcase."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.inprocess import run_main
from tests.conftest import vnettui_command
from tests.reach.world import vnet_id
from tests.topology.world import showcase_like
from tui.topology import build_topology, to_dot, to_mermaid


def test_mermaid_marks_each_link_by_state() -> None:
    text = to_mermaid(build_topology(showcase_like(), vnet_id("hub")))
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  n0["hub<br/>10.100.0.0/16<br/>hub · 3 spokes"]:::hub' in lines
    assert '  n0 <==>|"forwarded both ways"| n1' in lines
    assert '  n0 -.-x|"hub-to-spoke3 Disconnected · no link from spoke3"| n3' in lines
    assert "  linkStyle 2 stroke:#c62828,color:#c62828" in lines  # the broken one, red


def test_mermaid_draws_a_one_sided_link_from_the_side_that_has_it() -> None:
    text = to_mermaid(build_topology(showcase_like(), vnet_id("spoke6")))
    assert '  n0 -.->|"spoke5-to-spoke6 Initiated · no link from spoke6"| n2' in text


def test_dot_is_an_undirected_graph_with_the_same_links() -> None:
    text = to_dot(build_topology(showcase_like(), vnet_id("hub")))
    assert text.startswith("graph topology {")
    assert text.endswith("}")
    assert 'n0 [label="hub\\n10.100.0.0/16\\nhub · 3 spokes", penwidth=3];' in text
    assert ('n0 -- n3 [label="hub-to-spoke3 Disconnected · no link from spoke3", '
            'color="#c62828", style=dashed, dir=forward];') in text


@pytest.fixture
def showcase_path(make_sandbox: Callable[..., Path]) -> Path:
    return make_sandbox("showcase")


def topology(capsys: pytest.CaptureFixture[str], path: Path,
             *args: str) -> subprocess.CompletedProcess[str]:
    return run_main(capsys, "--sandbox", "--sandbox-state", str(path), "topology", *args)


def test_text_is_the_drawing_of_the_component(showcase_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    done = topology(capsys, showcase_path, "spoke1-vnet", "--width", "80")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1] == "│ hub-vnet  10.100.0.0/16  gateway │  hub · 3 spokes"
    assert lines[3].startswith(" ├─●═══●─ spoke1-vnet  10.101.0.0/16     uses hub-vnet's")
    assert len(lines) == 6


def test_json_lists_vnets_links_and_components(showcase_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    done = topology(capsys, showcase_path, "--format", "json")
    assert done.returncode == 0, done.stderr
    graph = json.loads(done.stdout)
    assert graph["root"] is None
    assert [len(c) for c in graph["components"]] == [4, 3]
    hub = next(v for v in graph["vnets"] if v["name"] == "hub-vnet")
    assert hub["hub"]
    assert hub["hasGateway"]
    assert hub["parentId"] is None
    broken = next(link for link in graph["links"] if link["health"] == "broken")
    sides = [broken["aToB"], broken["bToA"]]
    assert [s["peeringState"] for s in sides if s] == ["Disconnected"]


def test_a_vnet_that_names_nothing_exits_2(showcase_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    done = topology(capsys, showcase_path, "no-such-vnet")
    assert done.returncode == 2
    assert "No virtual network 'no-such-vnet'" in done.stderr


@pytest.mark.slow
def test_mermaid_through_the_console_script(env: dict[str, str], showcase_path: Path) -> None:
    done = subprocess.run(
        [*vnettui_command(), "--sandbox", "--sandbox-state", str(showcase_path), "topology",
         "hub-vnet", "--format", "mermaid"], capture_output=True, text=True, timeout=120,
        env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("flowchart LR\n")
    assert "hub-vnet<br/>10.100.0.0/16<br/>gateway<br/>hub · 3 spokes" in done.stdout


@pytest.mark.slow
def test_json_is_the_same_whatever_the_hash_seed(env: dict[str, str],
                                                 showcase_path: Path) -> None:
    """Scripts diff it: the VNets' order must not follow the process's string hashing."""
    outputs = {
        subprocess.run(
            [*vnettui_command(), "--sandbox", "--sandbox-state", str(showcase_path),
             "topology", "--format", "json"], capture_output=True, text=True, timeout=120,
            env={**env, "PYTHONHASHSEED": seed}, check=True).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
