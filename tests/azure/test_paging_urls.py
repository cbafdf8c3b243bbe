"""Raw list URLs match, byte for byte, the requests the SDK's typed operations would send."""

from __future__ import annotations

from azure.mgmt.compute.operations._operations import build_virtual_machines_list_all_request
from azure.mgmt.network.operations import _operations as network_ops
from azure.mgmt.resource.subscriptions.operations._operations import (
    build_subscriptions_list_request,
)

from tui.azure.paging import (
    COMPUTE_API_VERSION,
    NETWORK_API_VERSION,
    SUBSCRIPTIONS_API_VERSION,
    subscription_list_url,
)

BASE = "https://management.azure.com"


def test_network_lists() -> None:
    for kind, builder in (
        ("virtualNetworks", network_ops.build_virtual_networks_list_all_request),
        ("networkInterfaces", network_ops.build_network_interfaces_list_all_request),
        ("networkSecurityGroups", network_ops.build_network_security_groups_list_all_request),
        ("routeTables", network_ops.build_route_tables_list_all_request),
    ):
        ours = subscription_list_url(BASE, "sub1", f"Microsoft.Network/{kind}",
                                     NETWORK_API_VERSION)
        assert ours == BASE + builder(subscription_id="sub1").url


def test_compute_and_subscriptions() -> None:
    ours = subscription_list_url(BASE, "sub1", "Microsoft.Compute/virtualMachines",
                                 COMPUTE_API_VERSION, "statusOnly=true")
    sdk = build_virtual_machines_list_all_request(subscription_id="sub1", status_only="true")
    assert ours == BASE + sdk.url
    plain = subscription_list_url(BASE, "sub1", "Microsoft.Compute/virtualMachines",
                                  COMPUTE_API_VERSION)
    assert plain == BASE + build_virtual_machines_list_all_request(subscription_id="sub1").url
    assert build_subscriptions_list_request().url.endswith(
        f"api-version={SUBSCRIPTIONS_API_VERSION}"
    )
