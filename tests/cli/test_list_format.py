"""Table layout and JSON shapes of `vnettui list`, from model objects."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from tui.azure.mappers import peering_from_json, vnet_from_json
from tui.commands.list_cmd import (
    peering_json,
    peering_row_json,
    peerings_table,
    render_table,
    vnet_json,
)
from tui.model import Inventory, Subscription

SUB = "11111111-1111-1111-1111-111111111111"
OTHER = "22222222-2222-2222-2222-222222222222"
V1 = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v1"
HUB = f"/subscriptions/{OTHER}/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub"


def test_render_table_pads_columns_and_strips_trailing_blanks() -> None:
    text = render_table(("A", "LONG HEADER", "C"), [("xxxx", "y", ""), ("z", "w", "q")])
    assert text.splitlines() == [
        "A     LONG HEADER  C",
        "xxxx  y",
        "z     w            q",
    ]


def test_peering_json_and_table_name_the_remote_subscription() -> None:
    peering = peering_from_json({
        "id": f"{V1}/virtualNetworkPeerings/to-hub",
        "name": "to-hub",
        "properties": {
            "remoteVirtualNetwork": {"id": HUB},
            "peeringState": "Connected",
            "peeringSyncLevel": "RemoteNotInSync",
            "allowForwardedTraffic": True,
            "useRemoteGateways": True,
            "remoteAddressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
        },
    })
    vnet = vnet_from_json({"id": V1, "name": "v1", "location": "westeurope", "properties": {
        "addressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
    }})
    inventory = Inventory(
        subscriptions=(Subscription(SUB, "Spoke"), Subscription(OTHER, "Hub Prod")),
        vnets=(vnet._replace(peerings=(peering,)),),
    )
    data = peering_json(peering)
    assert json.loads(json.dumps(data)) == {
        "id": f"{V1}/virtualNetworkPeerings/to-hub",
        "name": "to-hub",
        "vnetId": V1,
        "remoteVnetId": HUB,
        "peeringState": "Connected",
        "peeringSyncLevel": "RemoteNotInSync",
        "allowVirtualNetworkAccess": True,
        "allowForwardedTraffic": True,
        "allowGatewayTransit": False,
        "useRemoteGateways": True,
        "remoteAddressPrefixes": ["10.0.0.0/16"],
        "remoteVnetAddressPrefixes": [],
        "provisioningState": "Succeeded",
        "peerCompleteVnets": True,
        "localSubnetNames": [],
        "remoteSubnetNames": [],
        "enableOnlyIPv6Peering": False,
        "localAddressPrefixes": [],
    }
    header, row = peerings_table(inventory).splitlines()
    assert re.split(r"\s{2,}", row) == [
        "rg/v1", "to-hub", "hub/hub", "10.0.0.0/16", "Hub Prod", "Connected",
        "remote sync needed", "remote gateway", "Succeeded", "access, forwarded"]
    assert header.split()[0] == "VNET"
    # A remote in another tenant says which: in the table and in the JSON.
    far = replace(inventory, subscriptions=(Subscription(SUB, "Spoke", tenant_id="t-home"),
                                            Subscription(OTHER, "Hub Prod", tenant_id="t-far")))
    assert "Hub Prod (tenant t-far)" in peerings_table(far)
    assert peering_row_json(peering, far)["remoteTenantId"] == "t-far"
    assert peering_row_json(peering, inventory)["remoteTenantId"] is None
    shape = vnet_json(inventory.vnets[0])
    assert shape["peerings"] == [data]
    assert shape["subnets"] == []
    assert shape["hasGateway"] is False
