"""NSGs in Azure's order: outbound NIC then subnet at the source, inbound subnet then NIC at
the destination; rules by priority, first match wins; default rules implicit or listed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.reach.world import World, nsg_id, rule, seed, vm_id, vnet_id
from tui.model import Direction, NetworkSecurityGroup
from tui.reach import (
    Flow,
    Level,
    StepStatus,
    check,
    evaluate_nsg,
    rule_matches,
    virtual_network_tag,
)

DENY_80 = rule("deny-http", 100)


def peered() -> World:
    return seed().peer("vnet1", "vnet2")


def blocked_by(world: World, src: str = "vm1", dst: str = "vm2", port: int = 80,
               protocol: str = "tcp") -> str:
    verdict = check(world.build(), vm_id(src), vm_id(dst), port, protocol)
    assert not verdict.reachable
    assert verdict.conclusive
    assert verdict.deciding_rule is not None
    assert verdict.reason is not None
    assert verdict.reason.rule == verdict.deciding_rule
    return f"{verdict.deciding_rule.nsg_name}/{verdict.deciding_rule.rule_name}"


def test_deny_port_80_at_the_destination_subnet() -> None:
    world = (peered().vnet("web", "10.5.0.0/16", nsg="nsg-web").peer("vnet1", "web")
             .nsg("nsg-web", DENY_80).vm("web1", "web", "10.5.0.4"))
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"))
    assert not verdict.reachable
    reason = verdict.reason
    assert reason is not None
    assert reason.text == ("NSG nsg-web on subnet web/default denies inbound TCP 80 from "
                           "10.1.0.4: deny-http (priority 100)")
    assert reason.resource_id == nsg_id("nsg-web")
    rule_ = verdict.deciding_rule
    assert rule_ is not None
    assert (rule_.level, rule_.direction, rule_.priority) == (Level.SUBNET, Direction.INBOUND, 100)


def test_deny_port_80_at_the_destination_nic() -> None:
    world = peered().nsg("nsg-nic", DENY_80).vm("web1", "vnet2", "10.2.0.8", nsg="nsg-nic")
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"))
    assert verdict.deciding_rule is not None
    assert verdict.deciding_rule.level is Level.NIC
    assert verdict.reason is not None
    assert verdict.reason.text.startswith("NSG nsg-nic on web1's NIC web1-nic denies inbound")


def test_inbound_subnet_nsg_is_evaluated_before_the_nic_nsg() -> None:
    world = (peered().vnet("web", "10.5.0.0/16", nsg="sub").peer("vnet1", "web")
             .nsg("sub", rule("sub-deny", 300)).nsg("nic", rule("nic-deny", 100))
             .vm("web1", "web", "10.5.0.4", nsg="nic"))
    assert blocked_by(world, dst="web1") == "sub/sub-deny"


def test_outbound_nic_nsg_is_evaluated_before_the_subnet_nsg() -> None:
    world = (peered().vnet("app", "10.6.0.0/16", nsg="sub").peer("app", "vnet2")
             .nsg("sub", rule("sub-deny", 100, inbound=False))
             .nsg("nic", rule("nic-deny", 300, inbound=False))
             .vm("app1", "app", "10.6.0.4", nsg="nic"))
    assert blocked_by(world, src="app1") == "nic/nic-deny"


def test_an_allow_at_one_level_does_not_override_a_deny_at_the_next() -> None:
    world = (peered().vnet("web", "10.5.0.0/16", nsg="sub").peer("vnet1", "web")
             .nsg("sub", rule("sub-allow", 100, "Allow")).nsg("nic", DENY_80)
             .vm("web1", "web", "10.5.0.4", nsg="nic"))
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"))
    statuses = [(s.status, s.rule.rule_name) for s in verdict.steps if s.rule]
    assert statuses == [(StepStatus.OK, "sub-allow"), (StepStatus.FAIL, "deny-http")]


@pytest.mark.parametrize(("allow_priority", "deny_priority", "reachable"),
                         [(100, 200, True), (200, 100, False), (4096, 4095, False)])
def test_lowest_priority_number_wins(allow_priority: int, deny_priority: int,
                                     reachable: bool) -> None:
    world = peered().nsg("nic", rule("deny", deny_priority),
                         rule("allow", allow_priority, "Allow"))
    world.vm("web1", "vnet2", "10.2.0.8", nsg="nic")
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"))
    assert verdict.reachable is reachable
    assert verdict.deciding_rule is not None
    assert verdict.deciding_rule.priority == min(allow_priority, deny_priority)


@pytest.mark.parametrize(("ports", "port", "matches"), [
    ("80", 80, True), ("80", 8080, False), ("1000-2000", 1000, True), ("1000-2000", 2000, True),
    ("1000-2000", 2001, False), ("*", 12345, True), (("22", "80", "443"), 443, True),
    (("22", "8000-8100"), 80, False), ("80,443", 443, True), ("junk", 80, False),
])
def test_port_ranges(ports: str | tuple[str, ...], port: int, matches: bool) -> None:
    world = peered().nsg("nic", rule("deny", 100, ports=ports), with_defaults=True)
    world.vm("web1", "vnet2", "10.2.0.8", nsg="nic")
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"), port)
    assert verdict.reachable is not matches


@given(low=st.integers(1, 65535), span=st.integers(0, 2000), port=st.integers(1, 65535))
def test_a_port_range_matches_exactly_its_ports(low: int, span: int, port: int) -> None:
    high = min(low + span, 65535)
    flow = Flow("10.1.0.4", "10.2.0.4", port, "tcp")
    assert rule_matches(rule("r", 100, ports=f"{low}-{high}"), flow, ()) is (low <= port <= high)


@pytest.mark.parametrize(("rule_protocol", "protocol", "matches"), [
    ("Tcp", "tcp", True), ("Tcp", "udp", False), ("Udp", "udp", True), ("*", "udp", True),
    ("Icmp", "icmp", True), ("Icmp", "tcp", False), ("Tcp", "icmp", False),
])
def test_protocols(rule_protocol: str, protocol: str, matches: bool) -> None:
    world = peered().nsg("nic", rule("deny", 100, protocol=rule_protocol, ports="*"),
                         with_defaults=True)
    world.vm("web1", "vnet2", "10.2.0.8", nsg="nic")
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"), 80, protocol)
    assert verdict.reachable is not matches


def test_protocol_any_is_reachable_when_udp_gets_through() -> None:
    world = peered().nsg("nic", rule("deny-tcp", 100), with_defaults=True)
    world.vm("web1", "vnet2", "10.2.0.8", nsg="nic")
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"), 80, "any")
    assert verdict.reachable
    assert verdict.protocol == "any"
    assert verdict.steps[0].text == "protocol any: TCP does not get through, UDP does"
    assert verdict.question == "Can vm1 reach web1 on port 80 (any protocol)?"


def test_protocol_any_blocked_by_a_rule_for_every_protocol() -> None:
    world = peered().nsg("nic", rule("deny-all", 100, protocol="*"), with_defaults=True)
    world.vm("web1", "vnet2", "10.2.0.8", nsg="nic")
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"), 80, "any")
    assert not verdict.reachable
    assert verdict.steps[0].text.startswith("protocol any: neither TCP nor UDP")
    assert verdict.deciding_rule is not None
    assert verdict.deciding_rule.rule_name == "deny-all"


@pytest.mark.parametrize(("src", "matches"), [
    ("10.1.0.0/16", True), ("10.1.0.4", True), ("10.1.0.4/32", True), ("10.1.1.0/24", False),
    ("*", True), ("VirtualNetwork", True), ("Internet", False), ("AzureLoadBalancer", False),
    ("Storage", False), ("2001:db8::/32", False), (("192.168.0.0/16", "10.1.0.0/24"), True),
])
def test_source_prefixes_and_service_tags(src: str | tuple[str, ...], matches: bool) -> None:
    world = peered().nsg("nic", rule("deny", 100, src=src), with_defaults=True)
    world.vm("web1", "vnet2", "10.2.0.8", nsg="nic")
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"))
    assert verdict.reachable is not matches


def test_destination_prefixes_outbound() -> None:
    world = peered().nsg("out", rule("deny-vnet2", 100, inbound=False, dst="10.2.0.0/16"))
    world.vm("app1", "vnet1", "10.1.0.9", nsg="out")
    assert blocked_by(world, src="app1") == "out/deny-vnet2"


def test_virtual_network_tag_is_the_vnet_its_connected_peers_and_the_host() -> None:
    inventory = (World().vnet("hub", "10.0.0.0/16").vnet("vnet-a", "10.10.0.0/16")
                 .vnet("vnet-c", "10.30.0.0/16").vnet("vnet-x", "10.40.0.0/16")
                 .peer("vnet-a", "hub").peer("hub", "vnet-c")
                 .link("hub", "vnet-x", access=False).link("vnet-x", "hub").build())
    hub, spoke_a = inventory.vnet(vnet_id("hub")), inventory.vnet(vnet_id("vnet-a"))
    assert hub is not None
    assert spoke_a is not None
    assert virtual_network_tag(inventory, hub) == [
        "10.0.0.0/16", "10.10.0.0/16", "10.30.0.0/16", "168.63.129.16/32"]
    # Not transitive, and VNet access switched off leaves vnet-x out.
    assert virtual_network_tag(inventory, spoke_a) == [
        "10.10.0.0/16", "10.0.0.0/16", "168.63.129.16/32"]


def test_no_rule_but_the_defaults_denies_what_the_tag_does_not_cover() -> None:
    nsg = NetworkSecurityGroup(nsg_id("n"), "n", ())
    flow = Flow("10.10.0.4", "10.30.0.4", 80, "tcp")
    match = evaluate_nsg(nsg, Direction.INBOUND, flow, ["10.30.0.0/16", "10.0.0.0/16"],
                         Level.SUBNET)
    assert (match.rule_name, match.priority, match.implicit) == ("DenyAllInBound", 65500, True)


def test_default_rules_are_implicit_when_the_body_does_not_carry_them() -> None:
    world = peered().nsg("nic").vm("web1", "vnet2", "10.2.0.8", nsg="nic")
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"))
    assert verdict.reachable
    assert verdict.deciding_rule is not None
    assert verdict.deciding_rule.rule_name == "AllowVnetInBound"
    assert verdict.deciding_rule.implicit


def test_listed_default_rules_are_not_implicit() -> None:
    world = peered().nsg("nic", with_defaults=True).vm("web1", "vnet2", "10.2.0.8", nsg="nic")
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"))
    assert verdict.deciding_rule is not None
    assert verdict.deciding_rule.is_default
    assert not verdict.deciding_rule.implicit


def test_source_port_rules_apply_only_when_they_cover_every_ephemeral_port() -> None:
    flow = Flow("10.1.0.4", "10.2.0.4", 80, "tcp")
    assert rule_matches(rule("r", 100, src_ports="*"), flow, ())
    assert rule_matches(rule("r", 100, src_ports="1024-65535"), flow, ())
    assert not rule_matches(rule("r", 100, src_ports="80"), flow, ())


def test_nsg_that_was_not_loaded_is_unknown() -> None:
    world = peered().vm("web1", "vnet2", "10.2.0.8", nsg="elsewhere")
    verdict = check(world.build(), vm_id("vm1"), vm_id("web1"))
    assert not verdict.conclusive
    assert verdict.reason is not None
    assert verdict.reason.text == "NSG elsewhere on web1's NIC web1-nic was not loaded"


def test_host_address_and_load_balancer_tags() -> None:
    probe = Flow("168.63.129.16", "10.2.0.4", 80, "tcp")
    assert rule_matches(rule("lb", 100, src="AzureLoadBalancer"), probe, ())
    assert rule_matches(rule("vnet", 100, src="VirtualNetwork"), probe, ["168.63.129.16/32"])
    internet = Flow("20.1.2.3", "10.2.0.4", 80, "tcp")
    assert rule_matches(rule("inet", 100, src="Internet"), internet, ["10.2.0.0/16"])
