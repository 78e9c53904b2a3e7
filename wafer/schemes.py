"""The remap schemes, registered by name (as BookSim registers its routing functions).

:func:`make_scheme` builds a configured scheme from its name and parameters;
an unknown name, or a parameter the scheme does not take, gets a one-line
answer that says what is allowed.
"""

from __future__ import annotations

from dataclasses import fields

from paramcheck import ParameterError, check_choice, unknown_name

from .lines import Harvest, SpareLines
from .remap import RemapScheme
from .rerouting import ColumnRerouting
from .shift import ShiftToSpare

__all__ = ["SCHEMES", "get_scheme", "make_scheme", "scheme_parameters"]

#: Remap scheme classes by name.
SCHEMES: dict[str, type[RemapScheme]] = {s.name: s for s in (ShiftToSpare, SpareLines, Harvest, ColumnRerouting)}


def get_scheme(name: str) -> type[RemapScheme]:
    """The remap scheme class registered under ``name``.

    Examples
    --------
    >>> get_scheme("shift-to-spare").__name__
    'ShiftToSpare'
    """
    return SCHEMES[check_choice("scheme", name, SCHEMES)]


def scheme_parameters(name: str) -> dict:
    """Each parameter of scheme ``name`` and its default.

    Examples
    --------
    >>> scheme_parameters("shift-to-spare")
    {'segment_width': 106, 'spares': 8, 'max_skew': 2, 'axis': 'rows', 'spare_layout': 'end'}
    """
    cls = get_scheme(name)
    return {f.name: f.default for f in fields(cls)}


def make_scheme(name: str, /, **params) -> RemapScheme:
    """The scheme ``name`` configured with ``params`` (the rest at their defaults).

    Examples
    --------
    >>> make_scheme("shift-to-spare", spares=2)
    ShiftToSpare(segment_width=106, spares=2, max_skew=2, axis='rows', spare_layout='end')
    >>> make_scheme("shift-to-spare", spare=2)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: shift-to-spare parameter must be one of 'segment_width', 'spares', 'max_skew', 'axis', 'spare_layout', got 'spare' (did you mean 'spares' or 'spare_layout'?)
    """
    cls = get_scheme(name)
    known = scheme_parameters(name)
    for key in params:
        if key not in known:
            raise ParameterError(unknown_name(f"{name} parameter", key, known))
    return cls(**params)
