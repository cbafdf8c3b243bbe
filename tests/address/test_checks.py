"""The address-space rules on hand-built inventories: what is refused, warned, suggested, synced."""

from __future__ import annotations

import pytest

from tests.address.world import peered
from tests.peering.builders import inventory, link, linked, vnet
from tui.address import (
    AddressChange,
    check_new_prefix,
    check_removal,
    plan_address_change,
    plan_sync_all,
    prefix_rows,
    suggest_prefixes,
)
from tui.model import PeeringState, SubnetSelection, SyncLevel

_peered = peered


@pytest.mark.parametrize(("text", "why"), [
    ("", "Type a prefix"),
    ("10.3.0.0", "no prefix length"),
    ("10.3.0.1/16", "host bits set: the range starts at 10.3.0.0, so write 10.3.0.0/16"),
    ("10.300.0.0/16", "not a CIDR prefix"),
    ("10.1.0.0/16", "vnet1 already has 10.1.0.0/16"),
    ("10.1.128.0/17", "overlaps vnet1's own 10.1.0.0/16"),
    ("10.2.4.0/24", "overlaps vnet2 (10.2.0.0/16), which is peered with vnet1 through 1and2"),
])
def test_errors_as_typed(text: str, why: str) -> None:
    inv, v1, _ = _peered()
    check = check_new_prefix(inv, v1, text)
    assert not check.ok
    assert any(why in e for e in check.errors), check.errors


def test_warnings_do_not_block() -> None:
    inv, v1, _ = _peered()
    loaded = check_new_prefix(inv, v1, "10.50.1.0/24")
    assert loaded.ok
    assert "could then never be peered" in loaded.warnings[0]
    public = check_new_prefix(inv, v1, "20.0.0.0/16")
    assert public.ok
    assert "not a private range" in public.warnings[0]
    fine = check_new_prefix(inv, v1, "10.77.0.0/16")
    assert fine.ok
    assert fine.findings == ()
    assert fine.prefix == "10.77.0.0/16"


def test_a_peer_seen_only_from_its_side_counts() -> None:
    inv, v1, v2 = _peered()
    lonely = v1._replace(peerings=())  # vnet1's own link not loaded; vnet2's points at it
    inv = inventory(lonely, v2)
    assert "peered with vnet1" in check_new_prefix(inv, lonely, "10.2.0.0/24").errors[0]


def test_removal_rules() -> None:
    _, v1, _ = _peered()
    assert "holds subnet default (10.1.0.0/24)" in check_removal(v1, "10.1.0.0/16")[0]
    assert check_removal(v1, "10.9.0.0/16") == ()
    assert "has no prefix" in check_removal(v1, "10.8.0.0/16")[0]
    alone = vnet("solo", "10.3.0.0/16")
    assert "last prefix" in check_removal(alone, "10.3.0.0/16")[0]
    rows = {r.prefix: r.removable for r in prefix_rows(v1)}
    assert rows == {"10.1.0.0/16": False, "10.9.0.0/16": True}


def test_plan_lists_the_links_to_sync_and_the_az_command() -> None:
    inv, v1, _v2 = _peered()
    plan = plan_address_change(inv, AddressChange(v1.id, add=("10.99.0.0/16",)))
    assert plan.ok
    assert plan.after == ("10.1.0.0/16", "10.9.0.0/16", "10.99.0.0/16")
    assert [t.label for t in plan.to_sync] == ["2and1 on vnet2"]
    assert plan.az_command() == (
        "az network vnet update -g rg-peering -n vnet1 --address-prefixes 10.1.0.0/16 "
        "10.9.0.0/16 10.99.0.0/16 --subscription 11111111-1111-1111-1111-111111111111")
    assert plan.commands()[1].startswith(
        "az network vnet peering sync -g rg-peering --vnet-name vnet2 -n 2and1")
    assert plan.describe()[1] == "sync 2and1 on vnet2"


def test_plan_refuses_and_notes() -> None:
    inv, v1, v2 = _peered()
    stale = plan_address_change(inv, AddressChange(v1.id, add=("10.99.0.0/16",),
                                                   base=("10.1.0.0/16",)))
    assert not stale.ok
    assert "changed since it was read" in stale.problems[0]
    nothing = plan_address_change(inv, AddressChange(v1.id))
    assert not nothing.ok
    gone = v2._replace(peerings=(v2.peerings[0]._replace(state=PeeringState.DISCONNECTED),))
    subnet_link = v2.peerings[0]._replace(subnets=SubnetSelection(("a",), ("default",)))
    for changed, note in ((gone, "is Disconnected"), (v2._replace(peerings=(subnet_link,)),
                                                      "is a subnet peering")):
        plan = plan_address_change(inventory(v1, changed), AddressChange(v1.id,
                                                                        add=("10.99.0.0/16",)))
        assert plan.to_sync == ()
        assert note in plan.notes[0]


def test_suggestions_avoid_every_loaded_vnet_and_peers() -> None:
    inv, v1, _ = _peered()
    found = suggest_prefixes(inv, v1, 16, count=4)
    assert found.prefixes[:2] == ("10.0.0.0/16", "10.3.0.0/16")  # best fit: smallest hole
    assert len(found.prefixes) == 4
    assert found.searched == ("10.0.0.0/8",)
    assert all(check_new_prefix(inv, v1, p).ok for p in found.prefixes)
    assert suggest_prefixes(inv, v1).prefix_length == 16


def test_sync_all_preview_names_the_stale_side_once_per_pair() -> None:
    v1 = vnet("vnet1", "10.1.0.0/16")
    v2 = vnet("vnet2", "10.2.0.0/16")
    v3 = vnet("vnet3", "10.3.0.0/16")
    v1 = linked(v1, link(v1, v2, "1and2", sync=SyncLevel.REMOTE_NOT_IN_SYNC),
                link(v1, v3, "1and3", state=PeeringState.INITIATED,
                     sync=SyncLevel.LOCAL_NOT_IN_SYNC))
    v2 = linked(v2, link(v2, v1, "2and1", sync=SyncLevel.LOCAL_NOT_IN_SYNC))
    plan = plan_sync_all(inventory(v1, v2, v3))
    assert [p.targets[0].name for p in plan.pairs] == ["2and1"]
    assert plan.describe() == ["sync 2and1 on vnet2 (LocalNotInSync): vnet1 <-> vnet2"]
    assert "1and3 on vnet1 is Initiated" in plan.skipped[0]
