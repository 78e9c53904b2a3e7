"""Scalar and array checks: each returns the value normalised or raises ParameterError.

One wording per rule, so the same mistake reads the same everywhere::

    NAME must be a finite number > 0 (UNIT), got VALUE
    NAME must be a finite number in [0, 1], got VALUE
    NAME must be an integer >= 1, got VALUE
    NAME must be an integer in [1, 10,000,000], got VALUE
    NAME must be true or false, got VALUE
    NAME must be ids in [0, N), got VALUE

Integers are refused beyond what a compiled kernel holds (int64), never
overflowed; non-finite numbers are refused wherever a number is asked for.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .errors import ParameterError

__all__ = [
    "INT64_MAX",
    "check_bool",
    "check_ids",
    "check_instance",
    "check_int",
    "check_int_array",
    "check_nonnegative",
    "check_positive",
    "check_probability",
    "check_real",
    "check_real_array",
    "check_str",
    "shown",
]

#: The largest integer a compiled kernel holds (int64).
INT64_MAX = 2**63 - 1

_SHOWN = 60  # characters of a bad value's repr shown in a message


def shown(value: object) -> str:
    """``repr(value)``, cut to a readable length (for the "got ..." of a message).

    Examples
    --------
    >>> len(shown(list(range(100))))
    60
    """
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _unit(unit: str | None) -> str:
    return f" ({unit})" if unit else ""


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _is_int(value: object) -> bool:
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def _bound(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else f"{x:,}" if abs(x) >= 10_000 else str(x)


def _real_rule(lower, upper, lower_open, upper_open) -> str:
    if upper is None:
        return "" if lower is None else f" {'>' if lower_open else '>='} {_bound(lower)}"
    if lower is None:
        return f" {'<' if upper_open else '<='} {_bound(upper)}"
    left, right = "(" if lower_open else "[", ")" if upper_open else "]"
    return f" in {left}{_bound(lower)}, {_bound(upper)}{right}"


def check_real(
    name: str,
    value: object,
    *,
    lower: float | None = None,
    upper: float | None = None,
    lower_open: bool = False,
    upper_open: bool = False,
    unit: str | None = None,
) -> float:
    """``value`` as a float, raising ParameterError unless it is a finite number in range.

    Examples
    --------
    >>> check_real("power", 2)
    2.0
    >>> check_real("x", 1.5, lower=0.0, upper=1.0)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: x must be a finite number in [0, 1], got 1.5
    """
    allowed = f"a finite number{_real_rule(lower, upper, lower_open, upper_open)}{_unit(unit)}"
    if not _is_real(value):
        raise ParameterError(f"{name} must be {allowed}, got {shown(value)}")
    try:
        x = float(value)  # type: ignore[arg-type]
    except OverflowError:  # an int beyond float range
        raise ParameterError(f"{name} must be {allowed}, got {shown(value)}") from None
    ok = math.isfinite(x)
    if ok and lower is not None:
        ok = x > lower if lower_open else x >= lower
    if ok and upper is not None:
        ok = x < upper if upper_open else x <= upper
    if not ok:
        raise ParameterError(f"{name} must be {allowed}, got {x!r}")
    return x


def check_positive(name: str, value: object, unit: str | None = None) -> float:
    """``value`` as a float, raising ParameterError unless finite and > 0.

    Examples
    --------
    >>> check_positive("d", 3)
    3.0
    """
    return check_real(name, value, lower=0.0, lower_open=True, unit=unit)


def check_nonnegative(name: str, value: object, unit: str | None = None) -> float:
    """``value`` as a float, raising ParameterError unless finite and >= 0.

    Examples
    --------
    >>> check_nonnegative("d0", 0)
    0.0
    """
    return check_real(name, value, lower=0.0, unit=unit)


def check_probability(name: str, value: object) -> float:
    """``value`` as a float, raising ParameterError unless in [0, 1].

    Examples
    --------
    >>> check_probability("p", 1)
    1.0
    """
    return check_real(name, value, lower=0.0, upper=1.0)


def check_int(name: str, value: object, *, minimum: int = 1, maximum: int | None = None) -> int:
    """``value`` as an int, raising ParameterError unless an integer in [minimum, maximum].

    ``maximum`` defaults to :data:`INT64_MAX`, the most a kernel holds;
    booleans and floats (even 3.0) are refused.

    Examples
    --------
    >>> check_int("trials", 3)
    3
    >>> check_int("max_skew", 10**30, minimum=0)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: max_skew must be an integer in [0, 9,223,372,036,854,775,807], got 1000000000000000000000000000000
    """
    hi = INT64_MAX if maximum is None else maximum
    rule = f"an integer >= {_bound(minimum)}" if maximum is None else f"an integer in [{_bound(minimum)}, {_bound(hi)}]"
    if not _is_int(value):
        raise ParameterError(f"{name} must be {rule}, got {shown(value)}")
    n = int(value)  # type: ignore[arg-type]
    if n > hi and maximum is None:
        rule = f"an integer in [{_bound(minimum)}, {_bound(hi)}]"
    if not minimum <= n <= hi:
        raise ParameterError(f"{name} must be {rule}, got {shown(n)}")
    return n


def check_bool(name: str, value: object) -> bool:
    """``value``, raising ParameterError unless it is True or False (a Python bool).

    Examples
    --------
    >>> check_bool("diagonal_links", 1)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: diagonal_links must be true or false, got 1
    """
    if not isinstance(value, bool):
        raise ParameterError(f"{name} must be true or false, got {shown(value)}")
    return value


def check_instance(name: str, value: object, cls: type, what: str | None = None):
    """``value``, raising ParameterError unless it is an instance of ``cls``.

    Examples
    --------
    >>> check_instance("spec", 3, dict)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: spec must be a dict, got 3
    """
    if not isinstance(value, cls):
        raise ParameterError(f"{name} must be {what or 'a ' + cls.__name__}, got {shown(value)}")
    return value


def check_str(name: str, value: object) -> str:
    """``value``, raising ParameterError unless it is a string.

    Examples
    --------
    >>> check_str("source", "Feng & Ma")
    'Feng & Ma'
    """
    if not isinstance(value, str):
        raise ParameterError(f"{name} must be a string, got {shown(value)}")
    return value


def _as_array(name: str, value: object, allowed: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"{name} must be {allowed}, got {shown(value)}") from None
    return arr


def check_real_array(name: str, value: object, *, positive: bool = False, unit: str | None = None) -> np.ndarray:
    """``value`` as a float64 array of finite numbers >= 0 (> 0 when ``positive``).

    Booleans, strings and other non-numeric inputs are refused; the message
    shows the first bad element.

    Examples
    --------
    >>> check_real_array("area_mm2", [1, 2.5])
    array([1. , 2.5])
    >>> check_real_array("area_mm2", [1.0, -2.0])
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: area_mm2 must be a finite number >= 0, got -2.0
    """
    allowed = f"a finite number {'>' if positive else '>='} 0{_unit(unit)}"
    arr = _as_array(name, value, allowed)
    if arr.dtype.kind not in "iuf":
        raise ParameterError(f"{name} must be {allowed}, got {shown(value)}")
    arr = arr.astype(np.float64, copy=False)
    bad = ~np.isfinite(arr) | ((arr <= 0.0) if positive else (arr < 0.0))
    if bad.any():
        raise ParameterError(f"{name} must be {allowed}, got {float(arr[bad].flat[0])!r}")
    return arr


def check_int_array(
    name: str, value: object, *, minimum: int, maximum: int | None = None, allowed: str | None = None
) -> np.ndarray:
    """``value`` as an int64 array of integers in [minimum, maximum].

    Booleans, floats (even integral ones such as 3.0) and strings are refused,
    as :func:`check_int` refuses them one at a time.

    Examples
    --------
    >>> check_int_array("layers", [1, 3], minimum=1)
    array([1, 3])
    >>> check_int_array("layers", [1, 0], minimum=1)
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: layers must be an integer >= 1, got 0
    """
    hi = INT64_MAX if maximum is None else maximum
    if allowed is None:
        allowed = f"an integer {'>= ' + _bound(minimum) if maximum is None else f'in [{_bound(minimum)}, {_bound(hi)}]'}"
    arr = _as_array(name, value, allowed)
    if arr.dtype.kind == "O" and arr.size and all(_is_int(v) for v in arr.flat):
        # Python ints beyond 64 bits make an object array.
        big = next(int(v) for v in arr.flat if not minimum <= int(v) <= hi)
        raise ParameterError(f"{name} must be {allowed}, got {shown(big)}")
    if arr.dtype.kind not in "iu":
        first = value
        if arr.dtype.kind == "f" and arr.size:
            nonint = arr[~(np.isfinite(arr) & (arr == np.round(arr)))]
            first = float(nonint.flat[0]) if nonint.size else float(arr.flat[0])
        elif arr.dtype.kind == "b" and arr.size:
            first = bool(arr.flat[0])
        raise ParameterError(f"{name} must be {allowed}, got {shown(first)}")
    if arr.dtype.kind == "u" and arr.size and int(arr.max()) > INT64_MAX:
        raise ParameterError(f"{name} must be {allowed}, got {int(arr.max())!r}")
    arr = arr.astype(np.int64, copy=False)
    bad = (arr < minimum) | (arr > hi)
    if bad.any():
        raise ParameterError(f"{name} must be {allowed}, got {int(arr[bad].flat[0])!r}")
    return arr


def check_ids(name: str, value: object, n: int, *, what: str = "ids") -> np.ndarray:
    """``value`` as a contiguous 1-D int64 array of ids in [0, n).

    Examples
    --------
    >>> check_ids("dead", [3, 1], 8, what="core ids")
    array([3, 1])
    >>> check_ids("dead", [3, 9], 8, what="core ids")
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: dead must be core ids in [0, 8), got 9
    """
    allowed = f"{what} in [0, {_bound(n)})"
    arr = _as_array(name, value, allowed)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.ndim != 1:
        raise ParameterError(f"{name} must be a 1-D array of {allowed}, got {shown(value)}")
    return np.ascontiguousarray(check_int_array(name, value, minimum=0, maximum=n - 1, allowed=allowed))
