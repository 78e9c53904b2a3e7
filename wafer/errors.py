"""The wafer package's error type.

It derives from the error types of :mod:`yieldmodels` and :mod:`routing` (both
``ValueError`` subclasses), so one ``except`` of those two catches every bad
parameter the three packages report, and the CLI turns any of them into one
line and exit status 2.
"""

from __future__ import annotations

import difflib

import routing
import yieldmodels

__all__ = ["ParameterError", "USER_ERRORS", "unknown_name"]


class ParameterError(yieldmodels.ParameterError, routing.ParameterError):
    """A wafer, process or study parameter is out of range.

    The message is one line: the parameter's name, the bad value, and what is
    allowed.
    """


#: Every error type that means "bad input" (not a bug).
USER_ERRORS = (yieldmodels.ParameterError, routing.ParameterError)


def unknown_name(kind: str, name: str, known: list[str]) -> ParameterError:
    """An error for a name missing from a registry, with a "did you mean".

    Examples
    --------
    >>> str(unknown_name("scheme", "shift-to-spar", ["shift-to-spare"]))
    "scheme must be one of 'shift-to-spare', got 'shift-to-spar' (did you mean 'shift-to-spare'?)"
    """
    allowed = ", ".join(repr(k) for k in sorted(known))
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ParameterError(f"{kind} must be one of {allowed}, got {name!r}{hint}")
