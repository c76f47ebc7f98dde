"""What makes the worker a mock: the state root, journal, faults, scenarios, snapshots and a manual clock."""
