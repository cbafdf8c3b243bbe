"""The peering workflow shared by the TUI and the command line.

A peering is two links, one on each VNet, and Azure gives no transaction across them. So
this module checks a request against what is loaded before anything is sent (the same
rules ARM enforces, phrased with both VNets' names), turns it into a plan, applies both
sides concurrently with retries, waits for Connected, and when only one side made it,
says exactly what exists and rolls back or retries. Delete, sync and edit live here too.

No Textual, no SDK: the cloud is any object with the `PeeringBackend` methods
(`tui.azure.AzureBackend` in the product), so the rules are testable on plain data.

Submodules, one concept each: `backend` (the Protocol), `preflight` (requests and ARM's
rules), `plan` (PUTs and az commands), `progress` (events), `retry` (backoff and polling),
`pair` (both links re-read), `apply` (send, settle, resend), `each_link` (one write to
several links), `rollback`, `create`, `delete`, `sync`, `edit`, `gaps` (writes on a
partial inventory), `perform` (one entry point for the app), and `bulk` and
`bulk_apply` (a hub with its spokes, or a mesh: one plan, pairs sent concurrently).
"""

from tui.peering.apply import ApplyResult, LinkResult, apply_plan, retry_failed
from tui.peering.backend import PeeringBackend
from tui.peering.bulk import (
    DEFAULT_PATTERN,
    BulkPair,
    BulkPlan,
    BulkProblem,
    HubRequest,
    MeshRequest,
    link_name,
    pattern_problem,
    plan_hub,
    plan_hub_request,
    plan_mesh,
    plan_table,
)
from tui.peering.bulk_apply import (
    DEFAULT_CONCURRENCY,
    BulkOutcome,
    PairOutcome,
    apply_bulk,
    check_writable,
    perform_bulk,
)
from tui.peering.create import Decision, create_peering
from tui.peering.delete import DeletePlan, DeleteRequest, delete_peering, find_peering, plan_delete
from tui.peering.disconnect import (
    DisconnectOutcome,
    DisconnectRequest,
    disconnect_lines,
    disconnect_spokes,
    plan_disconnect,
)
from tui.peering.edit import EditRequest, check_edit, plan_edit
from tui.peering.gaps import WriteGaps, write_gaps
from tui.peering.pair import PairState
from tui.peering.perform import (
    Outcome,
    Refused,
    Request,
    describe_request,
    ensure_writable,
    perform,
    title_of,
    write_targets,
)
from tui.peering.plan import Action, Plan, PlannedLink, plan_peering
from tui.peering.preflight import (
    Check,
    Field,
    PeeringRequest,
    default_names,
    overlapping_vnets,
    preflight,
    valid_name_problem,
)
from tui.peering.progress import ProgressEvent, Stage
from tui.peering.retry import PollPolicy, RetryPolicy, pause_of
from tui.peering.sync import SyncRequest, sides_to_sync, sync_peering

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_PATTERN",
    "Action",
    "ApplyResult",
    "BulkOutcome",
    "BulkPair",
    "BulkPlan",
    "BulkProblem",
    "Check",
    "Decision",
    "DeletePlan",
    "DeleteRequest",
    "DisconnectOutcome",
    "DisconnectRequest",
    "EditRequest",
    "Field",
    "HubRequest",
    "LinkResult",
    "MeshRequest",
    "Outcome",
    "PairOutcome",
    "PairState",
    "PeeringBackend",
    "PeeringRequest",
    "Plan",
    "PlannedLink",
    "PollPolicy",
    "ProgressEvent",
    "Refused",
    "Request",
    "RetryPolicy",
    "Stage",
    "SyncRequest",
    "WriteGaps",
    "apply_bulk",
    "apply_plan",
    "check_edit",
    "check_writable",
    "create_peering",
    "default_names",
    "delete_peering",
    "describe_request",
    "disconnect_lines",
    "disconnect_spokes",
    "ensure_writable",
    "find_peering",
    "link_name",
    "overlapping_vnets",
    "pattern_problem",
    "pause_of",
    "perform",
    "perform_bulk",
    "plan_delete",
    "plan_disconnect",
    "plan_edit",
    "plan_hub",
    "plan_hub_request",
    "plan_mesh",
    "plan_peering",
    "plan_table",
    "preflight",
    "retry_failed",
    "sides_to_sync",
    "sync_peering",
    "title_of",
    "valid_name_problem",
    "write_gaps",
    "write_targets",
]
