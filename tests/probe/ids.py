"""Fixed ids of the sandbox's scenarios that these tests name."""

AZ303_WATCHER = (
    "/subscriptions/3030a303-0000-4000-8000-000000000303/resourceGroups/NetworkWatcherRG/"
    "providers/Microsoft.Network/networkWatchers/NetworkWatcher_westeurope"
)
