"""The graph, the hub-and-spoke tree and the text the screen draws (pure, no Textual)."""

from __future__ import annotations

from tests.reach.world import World, vnet_id
from tests.topology.world import hub_world, key, showcase_like
from tui.model import PeeringState
from tui.topology import (
    Health,
    ItemKind,
    ReachKind,
    build_topology,
    draw,
    health,
    plan_tree,
)


def test_the_component_follows_links_in_any_state_and_nothing_else() -> None:
    inv = showcase_like()
    hub = build_topology(inv, vnet_id("hub"))
    assert set(hub.nodes) == {key("hub"), key("spoke1"), key("spoke2"), key("spoke3")}
    pair = build_topology(inv, vnet_id("spoke6"))  # reached only by spoke5's Initiated link
    assert set(pair.nodes) == {key("spoke4"), key("spoke5"), key("spoke6")}
    alone = build_topology(inv, vnet_id("dr"))
    assert list(alone.nodes) == [key("dr")]
    assert not alone.edges


def test_every_peered_vnet_without_a_root_largest_component_first() -> None:
    topology = build_topology(showcase_like())
    assert [len(c) for c in topology.components] == [4, 3]
    assert key("dr") not in topology.nodes  # no link at all


def test_an_edge_holds_both_sides() -> None:
    topology = build_topology(showcase_like(), vnet_id("hub"))
    edge = topology.edge(key("spoke3"), key("hub"))
    assert edge is not None
    hub_side = edge.link_on(key("hub"))
    assert hub_side is not None
    assert hub_side.state is PeeringState.DISCONNECTED
    assert edge.link_on(key("spoke3")) is None
    assert health(edge) is Health.BROKEN


def test_a_peer_that_is_not_loaded_is_a_node_marked_so() -> None:
    inv = World().vnet("a", "10.1.0.0/16").vnet("b", "10.2.0.0/16").peer("a", "b").build()
    only_a = type(inv)(inv.subscriptions, tuple(v for v in inv.vnets if v.name == "a"))
    topology = build_topology(only_a, vnet_id("a"))
    far = topology.nodes[key("b")]
    assert not far.loaded
    assert far.name == "b"
    assert far.prefixes == ("10.2.0.0/16",)
    assert "not loaded" in draw(topology).text()


def test_hubs_are_vnets_with_three_links_and_spokes_hang_under_them() -> None:
    topology = build_topology(showcase_like(), vnet_id("spoke1"))
    tree = plan_tree(topology)
    assert tree.roots == (key("hub"),)
    assert tree.children[key("hub")] == (key("spoke1"), key("spoke2"), key("spoke3"))
    assert not tree.cross


def test_without_a_hub_the_best_linked_vnet_is_the_root() -> None:
    tree = plan_tree(build_topology(showcase_like(), vnet_id("spoke6")))
    assert tree.roots == (key("spoke5"),)
    assert not tree.hubs


def test_links_outside_the_tree_are_listed_apart() -> None:
    inv = hub_world(4).peer("s1", "s2").build()
    topology = build_topology(inv, vnet_id("hub"))
    tree = plan_tree(topology)
    assert [(e.a, e.b) for e in tree.cross] == [(key("s1"), key("s2"))]
    text = draw(topology, width=80).text()
    assert "other links" in text
    assert " s1 ●═══● s2" in text


def test_the_drawing_at_80_columns() -> None:
    topology = build_topology(showcase_like(), vnet_id("hub"))
    assert draw(topology, width=80).text() == "\n".join([
        "┌────────────────────┐",
        "│ hub  10.100.0.0/16 │  hub · 3 spokes",
        "└┬───────────────────┘",
        " ├─●═══●─ spoke1    10.101.0.0/16  forwarded both ways",
        " ├─●═⟳═●─ spoke2    10.102.0.0/16  ⚠ overlaps dr (10.102.0.0/16) · sync needed …",
        " └─✗───·─ spoke3    10.103.0.0/16  hub-to-spoke3 Disconnected · no link from sp…",
    ])


def test_no_line_is_wider_than_asked() -> None:
    topology = build_topology(showcase_like(), vnet_id("hub"))
    for width in (40, 80, 200):
        drawing = draw(topology, width=width)
        assert max(len(line.text) for line in drawing.lines) <= width


def test_wide_drawings_say_where_each_vnet_lives() -> None:
    text = draw(build_topology(showcase_like(), vnet_id("hub")), width=200).text()
    assert "AZ-303 Lab/rg-peering · westeurope" in text


def test_a_big_hub_collapses_but_never_hides_a_problem() -> None:
    world = hub_world(12).vnet("s13", "10.113.0.0/16").link("hub", "s13",
                                                            state=PeeringState.INITIATED)
    topology = build_topology(world.build(), vnet_id("hub"))
    drawing = draw(topology, limit=3)
    shown = [i.key for i in drawing.items if i.kind is ItemKind.VNET]
    assert shown == [key("hub"), key("s1"), key("s10"), key("s11"), key("s13")]
    more = drawing.items[-1]
    assert more.kind is ItemKind.MORE
    assert more.key == key("hub")
    assert more.hidden == 9
    assert drawing.lines[more.first_line].text.strip().startswith("└─ +9 spokes")
    expanded = draw(topology, limit=3, expanded={key("hub")})
    assert sum(i.kind is ItemKind.VNET for i in expanded.items) == 14


def test_the_reach_column_marks_what_the_cursor_vnet_reaches() -> None:
    topology = build_topology(showcase_like(), vnet_id("hub"))
    reach = {key("hub"): ReachKind.SELF, key("spoke1"): ReachKind.DIRECT,
             key("spoke2"): ReachKind.VIA_HUB, key("spoke3"): ReachKind.NONE}
    lines = draw(topology, width=80, reach=reach).text().splitlines()
    assert [line[:2] for line in lines] == ["  ", "◆ ", "  ", "⇄ ", "⇝ ", "⊘ "]


def test_items_know_their_lines_and_the_link_to_their_parent() -> None:
    drawing = draw(build_topology(showcase_like(), vnet_id("hub")))
    hub, spoke1 = drawing.items[0], drawing.items[1]
    assert (hub.first_line, hub.height, hub.parent) == (0, 3, None)
    assert (spoke1.first_line, spoke1.parent) == (3, key("hub"))
    assert drawing.find(key("spoke3")) == 3
