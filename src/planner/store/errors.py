"""The store's errors: each one sentence naming the case or run, exit 2 at the CLI."""

from __future__ import annotations

from planner.errors import InputError, PlannerError


class StoreError(PlannerError):
    """Something the store refuses to do (a conflict, a busy case, a wrong state)."""


class NotFoundError(InputError):
    """No case or run with that id in this database."""


class StaleCaseError(StoreError):
    """The case changed since it was read (another writer got there first): re-read, retry."""


class CaseBusyError(StoreError):
    """Another job holds the case for writing."""


class RunStateError(StoreError):
    """The run is not in a state that allows this (e.g. adopting a plan that did not finish)."""
