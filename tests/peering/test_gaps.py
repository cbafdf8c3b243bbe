"""A write on a partial inventory: refused when a missing subscription holds either VNet or
one of their peers, allowed with a note when it holds none of them."""

from __future__ import annotations

from dataclasses import replace

from tests.peering.builders import SUB, az303, link, linked, vnet
from tui.errors import UnreadableError
from tui.model import LoadError, Subscription
from tui.peering import PeeringRequest, Refused, perform, write_gaps

OTHER = "22222222-2222-2222-2222-222222222222"


def test_a_missing_subscription_holding_a_peer_blocks_the_write() -> None:
    inventory, v1, v2 = az303()
    far = vnet("far", "10.9.0.0/16", sub=OTHER)
    v1 = linked(v1, link(v1, far, "to-far"))
    inventory = replace(inventory, vnets=(v1, v2), errors=(LoadError(OTHER, "Forbidden", "no"),),
                        subscriptions=(*inventory.subscriptions, Subscription(OTHER, "Far")))
    gaps = write_gaps(inventory, [v1, v2])
    assert not gaps.ok
    refusal = gaps.refusal("peer vnet1 with vnet2")
    assert isinstance(refusal, UnreadableError)
    assert refusal.exit_code == 3
    assert f"subscription 'Far' ({OTHER}) could not be read" in refusal.message
    assert "nothing was sent" in refusal.message
    assert gaps.note() is None


def test_a_missing_subscription_that_cannot_matter_lets_it_go_ahead_with_a_note() -> None:
    inventory, v1, v2 = az303()
    inventory = replace(inventory, errors=(LoadError(OTHER, "Forbidden", "no"),))
    gaps = write_gaps(inventory, [v1, v2])
    assert gaps.ok
    assert gaps.note() == (
        f"subscription {OTHER} could not be read, but neither vnet1 nor vnet2 nor any VNet "
        "peered with them lives there, so it cannot change the checks: going ahead.")
    assert write_gaps(replace(inventory, errors=()), [v1, v2]).note() is None
    # The VNets' own subscription missing matters too.
    own = replace(inventory, errors=(LoadError(SUB, "Forbidden", "no"),))
    assert not write_gaps(own, [v1]).ok


async def test_the_explorers_entry_point_refuses_the_same_way() -> None:
    inventory, v1, v2 = az303()
    far = vnet("far", "10.9.0.0/16", sub=OTHER)
    v1 = linked(v1, link(v1, far, "to-far"))
    inventory = replace(inventory, vnets=(v1, v2), errors=(LoadError(OTHER, "Forbidden", "no"),))
    request = PeeringRequest(v1.id, v2.id, "1and2", "2and1")
    outcome = await perform(None, inventory, request)  # type: ignore[arg-type]  # not reached
    assert isinstance(outcome, Refused)
    assert isinstance(outcome.error, UnreadableError)
    assert outcome.describe().startswith("Refused to peer vnet1 with vnet2: subscription ")
