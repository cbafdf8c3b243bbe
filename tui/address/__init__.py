"""Growing (or trimming) a VNet's address space, and syncing the peerings it puts out of sync.

Pure, like `tui.peering`: no Textual, no SDK; the cloud is an `AddressBackend`
(`tui.azure.AzureBackend`). What the screen and `vnettui address` share:

    check_new_prefix(inventory, vnet, text)      # as typed: errors (Azure refuses) and warnings
    check_removal(vnet, prefix)                   # why a prefix cannot go (subnets inside)
    suggest_prefixes(inventory, vnet, length)     # free blocks avoiding every loaded VNet + peers
    plan = plan_address_change(inventory, AddressChange(vnet.id, add=(...,)))
    plan.describe(), plan.az_command(), plan.to_sync   # the preview
    outcome = await apply_address_change(backend, plan, on_progress, inventory=inventory)

and "sync all": `plan_sync_all(inventory)` (the preview) and `sync_pairs(backend,
plan.pairs, on_progress)` (bounded, retried, every failure reported).

and for the app, one entry point like `tui.peering.perform`: `perform_address(backend,
inventory, work, on_progress, read_only=...)` for an `AddressChange` or a `SyncAllRequest`.

Submodules: `checks`, `suggest`, `plan`, `sync_all`, `apply`, `perform`.
"""

from tui.address.apply import (
    CHANGED_MEANWHILE,
    AddressBackend,
    AddressOutcome,
    apply_address_change,
)
from tui.address.checks import (
    Finding,
    PrefixCheck,
    Severity,
    check_new_prefix,
    check_removal,
    parse_prefix,
    subnets_in,
)
from tui.address.perform import (
    AddressWork,
    SyncAllRequest,
    describe_work,
    perform_address,
    vnets_touched,
    work_targets,
    work_title,
)
from tui.address.plan import (
    AddressChange,
    AddressPlan,
    LinkToSync,
    PrefixRow,
    links_pointing_at,
    plan_address_change,
    prefix_rows,
)
from tui.address.suggest import Suggestions, natural_length, suggest_prefixes
from tui.address.sync_all import (
    MAX_CONCURRENT_SYNCS,
    PairOutcome,
    PairToSync,
    SyncAllPlan,
    SyncAllResult,
    pairs_to_sync,
    plan_sync_all,
    sync_pairs,
)

__all__ = [
    "CHANGED_MEANWHILE",
    "MAX_CONCURRENT_SYNCS",
    "AddressBackend",
    "AddressChange",
    "AddressOutcome",
    "AddressPlan",
    "AddressWork",
    "Finding",
    "LinkToSync",
    "PairOutcome",
    "PairToSync",
    "PrefixCheck",
    "PrefixRow",
    "Severity",
    "Suggestions",
    "SyncAllPlan",
    "SyncAllRequest",
    "SyncAllResult",
    "apply_address_change",
    "check_new_prefix",
    "check_removal",
    "describe_work",
    "links_pointing_at",
    "natural_length",
    "pairs_to_sync",
    "parse_prefix",
    "perform_address",
    "plan_address_change",
    "plan_sync_all",
    "prefix_rows",
    "subnets_in",
    "suggest_prefixes",
    "sync_pairs",
    "vnets_touched",
    "work_targets",
    "work_title",
]
