"""The routing package's error type and its small input checks."""

from __future__ import annotations

import math
import numbers

__all__ = ["ParameterError"]


class ParameterError(ValueError):
    """A routing parameter is out of range.

    The message is one line: the parameter's name, the bad value, and what is
    allowed.
    """


def check_count(name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking it is a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ParameterError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def check_positive(name: str, value: object) -> float:
    """Return ``value`` as a float after checking it is finite and > 0."""
    v = _as_float(name, value, "> 0")
    if v <= 0:
        raise ParameterError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def check_nonnegative(name: str, value: object) -> float:
    """Return ``value`` as a float after checking it is finite and >= 0."""
    v = _as_float(name, value, ">= 0")
    if v < 0:
        raise ParameterError(f"{name} must be a finite number >= 0, got {value!r}")
    return v


def _as_float(name: str, value: object, allowed: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ParameterError(f"{name} must be a finite number {allowed}, got {value!r}")
    return float(value)
