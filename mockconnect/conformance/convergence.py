"""How long a run waits for a target to converge, and when it stops waiting for one that never does.

A real worker acts after it answers, so the lifecycle suite repeats some reads until a predicate
holds (up to 30 s a step) and the differential fuzzer reads a differing GET again (up to
``--settle-seconds``). A target that is no Kafka Connect worker, or a broken one, never converges, and
without a budget every wait would run out in full. So each target has a :class:`Convergence`: after
the first wait that ran out, the next one gets a short allowance, and after ``GIVE_UP_AFTER`` of
them the run stops waiting on that target (later waits are tried once, fuzzing is skipped) and says so. Reads that
fail to settle ``SETTLE_GIVE_UP_AFTER`` times in a row stop being read again, likewise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GIVE_UP_AFTER = 2
"""Lifecycle waits that ran out before the run stops waiting on a target."""
SECOND_CHANCE = 10.0
"""The allowance of a wait after one has run out (seconds)."""
SETTLE_GIVE_UP_AFTER = 5
"""Differing fuzzed reads in a row that did not settle before they are no longer read again."""


@dataclass
class Convergence:
    """The waiting budget of one target."""

    label: str
    unsettled: list[str] = field(default_factory=list)
    """Lifecycle steps whose wait ran out, with the last answer."""
    seconds_lost: float = 0.0
    not_waited: int = 0
    """Waits skipped (tried once) after the run gave up on the target."""
    settle_failures_in_a_row: int = 0
    settle_given_up: bool = False

    @property
    def given_up(self) -> bool:
        return len(self.unsettled) >= GIVE_UP_AFTER

    def allowance(self, step_timeout: float) -> float:
        """How long the next wait may take: in full, a short second chance, or nothing (one try)."""
        if self.given_up:
            return 0.0
        if self.unsettled:
            return min(step_timeout, SECOND_CHANCE)
        return step_timeout

    def waited(self, step: str, settled: bool, seconds: float, last: str) -> None:
        if settled:
            return
        if self.given_up:
            self.not_waited += 1
            return
        self.unsettled.append(f"{step} (after {seconds:.0f} s, last answer {last[:120]})")
        self.seconds_lost += seconds

    def settle_may_run(self) -> bool:
        return not self.settle_given_up

    def settled(self, agreed: bool) -> None:
        if agreed:
            self.settle_failures_in_a_row = 0
            return
        self.settle_failures_in_a_row += 1
        if self.settle_failures_in_a_row >= SETTLE_GIVE_UP_AFTER:
            self.settle_given_up = True

    def messages(self) -> list[str]:
        """What the report says about waiting on this target (empty when nothing was given up)."""
        notes = []
        if self.given_up:
            notes.append(
                f"gave up waiting for the {self.label} to converge after {len(self.unsettled)} waits ran out "
                f"({self.seconds_lost:.0f} s): {'; '.join(self.unsettled[:3])}; {self.not_waited} later waits were "
                "tried once, and fuzzing was skipped"
            )
        if self.settle_given_up:
            notes.append(
                f"stopped reading differing answers again after {SETTLE_GIVE_UP_AFTER} reads in a row did not "
                "settle between the target and the comparison (each counts as a divergence)"
            )
        return notes
