"""The package's exception and the input checks that raise it.

Every public function of :mod:`yieldmodels` validates its inputs with the
private helpers below, so a bad value fails early with a one-line message that
names the parameter, the bad value and what is allowed.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["ParameterError"]


class ParameterError(ValueError):
    """A parameter has a value outside what the function accepts.

    The message is one line naming the parameter, the bad value and what is
    allowed, so a command-line front end can print it as is.

    Examples
    --------
    >>> from yieldmodels import ParameterError, poisson_yield
    >>> try:
    ...     poisson_yield(100.0, -1.0)
    ... except ParameterError as exc:
    ...     print(exc)
    d0 must be a finite number >= 0 (defects per cm^2), got -1.0
    """


def _unit(unit: str | None) -> str:
    return f" ({unit})" if unit else ""


def _is_real_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _check_bounded(name: str, value: object, *, strict: bool, unit: str | None) -> float:
    """Return ``value`` as a float after checking it is finite and > 0 (strict) or >= 0."""
    allowed = f"a finite number {'>' if strict else '>='} 0{_unit(unit)}"
    if not _is_real_number(value):
        raise ParameterError(f"{name} must be {allowed}, got {value!r}")
    x = float(value)  # type: ignore[arg-type]
    if not (math.isfinite(x) and (x > 0.0 if strict else x >= 0.0)):
        raise ParameterError(f"{name} must be {allowed}, got {x!r}")
    return x


def _check_nonnegative(name: str, value: object, unit: str | None = None) -> float:
    """Return ``value`` as a float, raising ParameterError unless finite and >= 0."""
    return _check_bounded(name, value, strict=False, unit=unit)


def _check_positive(name: str, value: object, unit: str | None = None) -> float:
    """Return ``value`` as a float, raising ParameterError unless finite and > 0."""
    return _check_bounded(name, value, strict=True, unit=unit)


def _check_probability(name: str, value: object) -> float:
    """Return ``value`` as a float, raising ParameterError unless in [0, 1]."""
    allowed = "a finite number in [0, 1]"
    if not _is_real_number(value):
        raise ParameterError(f"{name} must be {allowed}, got {value!r}")
    x = float(value)  # type: ignore[arg-type]
    if not 0.0 <= x <= 1.0:
        raise ParameterError(f"{name} must be {allowed}, got {x!r}")
    return x


def _check_int(name: str, value: object, *, minimum: int) -> int:
    """Return ``value`` as an int, raising ParameterError unless integral and >= minimum."""
    if not isinstance(value, (numbers.Integral, np.integer)) or isinstance(
        value, (bool, np.bool_)
    ):
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    n = int(value)
    if n < minimum:
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {n!r}")
    return n


def _check_array(
    name: str, value: object, *, positive: bool = False, unit: str | None = None
) -> np.ndarray:
    """Return ``value`` as a float64 array, raising ParameterError on the first bad element.

    Elements must be finite and >= 0 (or > 0 when ``positive``). Booleans,
    strings and other non-numeric inputs are rejected.
    """
    bound = "> 0" if positive else ">= 0"
    allowed = f"a finite number {bound}{_unit(unit)}"
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be {allowed}, got {value!r}") from None
    if arr.dtype.kind not in "iuf":
        raise ParameterError(f"{name} must be {allowed}, got {value!r}")
    arr = arr.astype(np.float64, copy=False)
    bad = ~np.isfinite(arr) | ((arr <= 0.0) if positive else (arr < 0.0))
    if bad.any():
        first = arr[bad].flat[0]
        raise ParameterError(f"{name} must be {allowed}, got {float(first)!r}")
    return arr


def _check_int_array(name: str, value: object, *, minimum: int) -> np.ndarray:
    """``value`` as an int64 array of integers >= ``minimum``.

    Booleans, floats (even integral ones such as 3.0) and strings are rejected,
    as :func:`yieldmodels.errors._check_int` does for scalars.
    """
    allowed = f"an integer >= {minimum}"
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be {allowed}, got {value!r}") from None
    if arr.dtype.kind not in "iu":
        shown = arr.flat[0].item() if arr.dtype.kind in "fb" and arr.size else value
        if arr.dtype.kind == "f" and arr.size:
            nonint = arr[~(np.isfinite(arr) & (arr == np.round(arr)))]
            shown = float(nonint.flat[0]) if nonint.size else float(arr.flat[0])
        raise ParameterError(f"{name} must be {allowed}, got {shown!r}")
    if (arr < minimum).any():
        raise ParameterError(f"{name} must be {allowed}, got {int(arr[arr < minimum].flat[0])!r}")
    return arr.astype(np.int64, copy=False)
