"""The project's error type."""

from __future__ import annotations

__all__ = ["ParameterError"]


class ParameterError(ValueError):
    """A parameter has a value outside what the function accepts.

    The message is one line naming the parameter, what is allowed and the bad
    value, so a command-line front end can print it as it is (after naming
    the parameter as its user spelled it).

    Examples
    --------
    >>> str(ParameterError("d0 must be a finite number >= 0, got -1.0"))
    'd0 must be a finite number >= 0, got -1.0'
    >>> issubclass(ParameterError, ValueError)
    True
    """
