"""Scenarios: load one (bundled name, file or TOML text), edit any field by its path, write it back."""

from __future__ import annotations

import json
import math
import numbers
import os
import re
from typing import Any, List, NamedTuple, Optional, Union

import numpy as np

from . import _demine

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class Input(NamedTuple):
    """One uncertain input of a scenario."""

    path: str
    """Dotted path, as ``Scenario.set`` and ``demine inputs`` name it."""
    label: str
    """What it is, for people."""
    distribution: str
    """Its distribution, e.g. ``PERT(0.5, 0.7, 0.9)``."""


def toml_value(value: Any, _open: Optional[set] = None) -> str:
    """``value`` written in TOML syntax, as a scenario file would write it.

    ``bool``, ``int``, ``float`` (``nan`` and ``inf`` included), ``str``, dicts
    (inline tables, e.g. ``{"dist": "pert", "min": 0.5, "mode": 0.7, "max": 0.9}``)
    and lists or tuples, nested; NumPy scalars count as the Python ones.

    Raises:
        TypeError: for ``None`` or any other type (TOML has no null).
        ValueError: a list or dict that contains itself (it has no finite TOML form).
    """
    if isinstance(value, (dict, list, tuple)):
        _open = set() if _open is None else _open
        if id(value) in _open:
            raise ValueError(f"value: a {type(value).__name__} that contains itself has no TOML form")
        _open.add(id(value))
        try:
            return _toml_container(value, _open)
        finally:
            _open.discard(id(value))
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        v = float(value)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(value, str):
        # JSON's escapes (\", \\, \n, \t, \uXXXX for control characters) are all valid in a TOML basic string.
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} ({value!r}) as a TOML value")


def _toml_container(value: Any, _open: set) -> str:
    """A dict as an inline table, a list or tuple as an array (see :func:`toml_value`)."""
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"table keys must be strings, not {type(k).__name__} ({k!r})")
            key = k if _BARE_KEY.match(k) else json.dumps(k, ensure_ascii=False)
            items.append(f"{key} = {toml_value(v, _open)}")
        return "{" + ", ".join(items) + "}"
    return "[" + ", ".join(toml_value(v, _open) for v in value) + "]"


class Scenario:
    """A validated scenario: a value you can copy, edit by dotted path and run.

    Get one with :func:`demine.load` or :meth:`Scenario.from_toml`. Scenarios
    pickle (as their TOML text), so they can be sent to other processes.
    """

    __slots__ = ("_native",)

    def __init__(self, native: "_demine.Scenario") -> None:
        """Wraps a native scenario; use :func:`demine.load` or :meth:`from_toml` instead."""
        self._native = native

    @classmethod
    def load(cls, source: Union[str, "os.PathLike[str]"]) -> "Scenario":
        """Same as :func:`demine.load`."""
        return load(source)

    @classmethod
    def from_toml(cls, text: str) -> "Scenario":
        """Parses and validates a scenario from TOML text (the scenario file format).

        Raises:
            ScenarioError: a syntax error (with line and column) or every broken rule.
        """
        return cls(_demine.Scenario.from_toml(text))

    @property
    def name(self) -> str:
        """The scenario's name (settable: a plan's name in comparisons)."""
        return self._native.name

    @name.setter
    def name(self, value: str) -> None:
        self._native.name = value

    @property
    def description(self) -> str:
        """The scenario's description."""
        return self._native.description

    @property
    def currency(self) -> str:
        """The currency of its costs (e.g. ``USD``)."""
        return self._native.currency

    @property
    def start_year(self) -> int:
        """The first year of work."""
        return self._native.start_year

    def inputs(self) -> List[Input]:
        """The uncertain inputs, in the scenario's order: ``(path, label, distribution)``."""
        return [Input(*t) for t in self._native.inputs()]

    def set(self, path: str, value: Any) -> None:
        """Sets any field by its dotted path, in place.

        ``path`` is as ``demine inputs`` prints it (``capacity.teams.manual.initial``,
        ``regions[0].strata[0].barrier.share_mined``); ``value`` is a number,
        bool, string, dict (an inline table such as a distribution
        ``{"dist": "pert", "min": 0.5, "mode": 0.7, "max": 0.9}``) or list,
        validated exactly as the scenario file is. The same as
        ``demine run --set path=value``.

        A refused edit leaves the scenario unchanged.

        Raises:
            UnknownNameError: a path through a table that has no such key
                (``field`` is the table's path, ``name`` the key, ``known`` the keys it has).
            ScenarioError: a value that breaks a rule, an index out of range, a
                path into a value (``problems`` name the field).
            TypeError: a value that has no TOML form (``None``, an object).
            ValueError: a list or dict that contains itself.
            RuntimeError: the scenario is being run in another thread (edit a :meth:`copy`).
        """
        self._set(path, toml_value(value))

    def _set(self, path: str, text: str) -> None:
        try:
            self._native.set_value(path, text)
        except RuntimeError as e:
            if "borrow" not in str(e):
                raise
            raise RuntimeError(
                "scenario: in use by a computation in another thread (run, compare, ...); "
                "edit a copy() of it, or wait until the computation returns"
            ) from None

    def set_toml(self, path: str, text: str) -> None:
        """Sets a field to a value written in TOML syntax (``'{dist="pert",min=0.5,mode=0.7,max=0.9}'``),
        exactly as ``demine run --set path=text`` does (a bare word is taken as a string)."""
        self._set(path, text)

    def copy(self) -> "Scenario":
        """An independent copy (edit it without changing this one)."""
        return Scenario(self._native.copy())

    def to_toml(self) -> str:
        """The scenario as TOML text; :meth:`from_toml` of it gives an equal scenario."""
        return self._native.to_toml()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self._native == other._native

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __reduce__(self) -> Any:
        return (_scenario_from_toml, (self.to_toml(),))

    def __repr__(self) -> str:
        return f"<demine.Scenario {self.name!r}: {len(self._native.inputs())} uncertain inputs>"


def _scenario_from_toml(text: str) -> Scenario:
    """Unpickles a scenario."""
    return Scenario.from_toml(text)


def load(source: Union[str, "os.PathLike[str]"]) -> Scenario:
    """Loads a scenario: a bundled name (``"ukraine"``), a file path (TOML or JSON) or TOML text.

    A string that contains a newline or ``=`` is read as TOML text; any other
    string is a bundled name or a path (``demine scenarios`` lists the names;
    :func:`demine.bundled` too).

    Raises:
        UnknownNameError: neither a file nor a bundled name.
        ScenarioError: a file or text that breaks a rule (every problem listed).
        DemineError: a file that cannot be read.
    """
    if isinstance(source, os.PathLike):
        return Scenario(_demine.Scenario.load(os.fspath(source)))
    if not isinstance(source, str):
        raise TypeError(f"load() takes a name, a path or TOML text, not {type(source).__name__}")
    if "\n" in source or "=" in source:
        return Scenario.from_toml(source)
    return Scenario(_demine.Scenario.load(source))
