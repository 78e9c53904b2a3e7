"""The wafer package's error type.

It derives from the error types of :mod:`yieldmodels` and :mod:`routing` (both
``ValueError`` subclasses), so one ``except`` of those two catches every bad
parameter the three packages report, and the CLI turns any of them into one
line and exit status 2.
"""

from __future__ import annotations

import difflib
import functools

import routing
import routing.errors
import yieldmodels
import yieldmodels.errors

__all__ = ["ParameterError", "USER_ERRORS", "unknown_name"]


class ParameterError(yieldmodels.ParameterError, routing.ParameterError):
    """A wafer, process or study parameter is out of range.

    The message is one line: the parameter's name, the bad value, and what is
    allowed.
    """


#: Every error type that means "bad input" (not a bug).
USER_ERRORS = (yieldmodels.ParameterError, routing.ParameterError)


def as_wafer_error(check):
    """``check``, raising this package's :class:`ParameterError` (same message) on bad input.

    The wafer classes validate with the checks of :mod:`routing` and
    :mod:`yieldmodels`; wrapped, their errors are also ``wafer.ParameterError``.
    """

    @functools.wraps(check)
    def wrapped(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except USER_ERRORS as exc:
            if isinstance(exc, ParameterError):
                raise
            raise ParameterError(str(exc)) from None

    return wrapped


check_count = as_wafer_error(routing.errors.check_count)
check_positive = as_wafer_error(routing.errors.check_positive)
check_nonnegative = as_wafer_error(routing.errors.check_nonnegative)
check_probability = as_wafer_error(yieldmodels.errors._check_probability)


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
