"""The exceptions demine raises.

Every error of the Rust library arrives as one of these, with the message the
command line prints. A scenario or value that breaks a rule raises
:class:`ScenarioError`, whose ``problems`` list every broken rule with its
field (a dotted path such as ``capacity.teams.manual.initial``), the value
found and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Sequence, Tuple


@dataclass(frozen=True)
class Problem:
    """One broken rule: the field (dotted path), the value found and the rule it breaks."""

    field: str
    value: str
    rule: str

    def __str__(self) -> str:
        return f"{self.field}: {self.value} is invalid: {self.rule}"


class DemineError(Exception):
    """Base class of every error demine raises."""


class ScenarioError(DemineError, ValueError):
    """A scenario, a file or a value that breaks one or more rules.

    ``problems`` lists each broken rule as a :class:`Problem` (field, value,
    rule), in file order: the same problems ``demine validate`` prints. A TOML
    syntax error gives one problem whose field is ``line L, column C``.
    """

    problems: List[Problem]

    def __init__(self, message: str, problems: Iterable[Tuple[str, str, str]] = ()) -> None:
        super().__init__(message)
        self.problems = [p if isinstance(p, Problem) else Problem(*p) for p in problems]

    def __reduce__(self):  # keep the problems across processes
        return (type(self), (str(self), [(p.field, p.value, p.rule) for p in self.problems]))


class UnknownNameError(DemineError, LookupError):
    """A name that does not exist: a bundled scenario, an output, a series, a sampler.

    ``field`` says what kind of name, ``name`` is the name given and ``known``
    lists the valid ones.
    """

    field: str
    name: str
    known: List[str]

    def __init__(self, message: str, field: str = "", name: str = "", known: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.name = name
        self.known = list(known)

    def __str__(self) -> str:  # LookupError would quote the message like a key
        return str(self.args[0]) if self.args else ""

    def __reduce__(self):
        return (type(self), (str(self), self.field, self.name, self.known))


class InfeasibleError(DemineError):
    """A question without an answer for the inputs given (no capacity or budget meets the deadline, every trial failed)."""
