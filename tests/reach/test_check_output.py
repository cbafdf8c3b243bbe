"""How `vnettui check` prints a verdict: readable lines, or camelCase JSON."""

import json

from tests.reach.world import rule, seed, vm_id
from tui.commands.check_cmd import render, verdict_json
from tui.reach import check


def test_render_names_the_missing_peering_and_the_command_that_fixes_it() -> None:
    verdict = check(seed().build(), vm_id("vm1"), vm_id("vm2"))
    assert render(verdict) == "\n".join([
        "Can vm1 reach vm2 on TCP 80?  NO",
        "  ✓ vm1 running · 10.1.0.4 · vnet1/default (NIC vm1-nic)",
        "  ✓ vm2 running · 10.2.0.4 · vnet2/default (NIC vm2-nic)",
        "  ✗ vnet1 and vnet2 are different VNets with no peering",
        "    → vnettui peer vnet1 vnet2",
    ])


def test_render_of_a_reachable_pair_without_nsg() -> None:
    text = render(check(seed().peer("vnet1", "vnet2").build(), vm_id("vm1"), vm_id("vm2")))
    assert text.startswith("Can vm1 reach vm2 on TCP 80?  YES\n")
    assert "✗" not in text
    assert text.endswith("  deciding rule: none, no NSG on the path")


def test_render_names_the_deciding_rule() -> None:
    world = seed().peer("vnet1", "vnet2").nsg("web", rule("deny-http", 100))
    world.vm("web1", "vnet2", "10.2.0.8", nsg="web")
    text = render(check(world.build(), vm_id("vm1"), vm_id("web1")))
    assert text.endswith("  deciding rule: deny-http, priority 100, Deny inbound, in NSG web on "
                         "the NIC")
    assert "    → change rule deny-http in web, or allow the flow with a priority number below " \
           "100" in text


def test_hints_lose_their_explorer_key_on_the_command_line() -> None:
    world = seed().link("vnet1", "vnet2", name="1and2", access=False).link("vnet2", "vnet1")
    text = render(check(world.build(), vm_id("vm1"), vm_id("vm2")))
    assert text.endswith("    → allow VNet access on 1and2")


def test_json_is_camel_case_and_complete() -> None:
    world = seed().peer("vnet1", "vnet2").nsg("web", with_defaults=True)
    world.vm("web1", "vnet2", "10.2.0.8", nsg="web")
    data = json.loads(json.dumps(verdict_json(check(world.build(), vm_id("vm1"),
                                                    vm_id("web1")))))
    assert data["reachable"] is True
    assert data["conclusive"] is True
    assert data["answer"] == "YES"
    assert (data["source"], data["destination"], data["destinationIp"]) == (
        "vm1", "web1", "10.2.0.8")
    assert data["decidingRule"]["name"] == "AllowVnetInBound"
    assert data["decidingRule"]["priority"] == 65000
    assert data["decidingRule"]["nsgId"].endswith("/networkSecurityGroups/web")
    assert data["decidingRule"]["level"] == "NIC"
    assert set(data["steps"][0]) == {"status", "text", "resourceId", "hint", "command", "fix",
                                    "rule"}
    assert data["steps"][0]["resourceId"] == vm_id("vm1")
