"""Bad values by kind of parameter, and the harness the bad-input API tests share.

Each package's API test (``test_*_bad_input.py``) lists, for every public
callable, a valid call and the kind of each parameter, and takes its tests
from :func:`sweep`: hypothesis, and an exhaustive loop, swap one parameter for
a bad value of its kind and require the project's
:class:`paramcheck.ParameterError` (one line that says what the parameter
must be): never a foreign exception (numba's TypingError, OverflowError,
AttributeError ...), never a silent answer. :func:`uncovered` lists the
public callables that have no case, so a new public function without one
fails its package's test.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paramcheck import ParameterError

_NOT_A_NUMBER = ["1.0", b"1", object(), 1 + 2j, (1.0,), {"a": 1}]
_NON_FINITE = [math.nan, math.inf, -math.inf, np.float64("nan")]

#: Bad values for each kind of parameter: bad for *every* parameter of that kind.
BAD = {
    # any finite real number is fine
    "real": _NON_FINITE + _NOT_A_NUMBER + [True, 10**400],
    "positive": _NON_FINITE + _NOT_A_NUMBER + [True, 0, 0.0, -1.0, -1e-300, 10**400],
    "nonnegative": _NON_FINITE + _NOT_A_NUMBER + [True, -1, -1e-300, 10**400],
    "probability": _NON_FINITE + _NOT_A_NUMBER + [True, -0.1, 1.1, 2],
    # integers >= 1 / >= 0
    "count": [0, -1, 1.5, 2.0, math.nan, "3", True, None, 2**63, 10**30, -(2**64), np.float64(3)],
    "index": [-1, 1.5, 2.0, math.nan, "3", True, None, 2**63, 10**30, -(2**64)],
    "bool": [1, 0, "yes", None, 1.0],
    "name": ["", "no-such-name", 3, None, b"x", ["a"]],
    # 1-D arrays of integer ids in a range the case gives
    "ids": [[-1], [10**12], [1.5], [[1, 2]], ["a"], [2**64], [True, False], [math.nan]],
    # arrays of finite non-negative reals
    "array": [[math.nan], [math.inf], [-1.0], ["a"], [[1.0], [2.0, 3.0]], [None], [1 + 2j]],
}


@dataclass
class Case:
    """A valid call of ``func`` and the kind of each parameter that can be made bad.

    ``kinds`` maps a parameter name (keyword) or position (int) to a key of
    :data:`BAD`, or to a list of values bad for that parameter in particular.
    """

    func: Callable
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    kinds: dict = field(default_factory=dict)

    def call(self, param=None, value=None):
        args, kwargs = list(self.args), dict(self.kwargs)
        if isinstance(param, int):
            args[param] = value
        elif param is not None:
            kwargs[param] = value
        return self.func(*args, **kwargs)

    @property
    def name(self) -> str:
        return getattr(self.func, "__qualname__", repr(self.func))


def triples(cases: list[Case]) -> list[tuple[Case, object, object]]:
    """Every ``(case, param, bad value)`` of ``cases``."""
    out = []
    for case in cases:
        for param, kind in case.kinds.items():
            values = BAD[kind] if isinstance(kind, str) else kind
            out += [(case, param, v) for v in values]
    return out


def mutations(cases: list[Case]) -> st.SearchStrategy:
    """``(case, param, bad value)`` triples drawn over every case and parameter."""
    return st.sampled_from(triples(cases))


def require_project_error(case: Case, param, value) -> ParameterError:
    """Call ``case`` with ``param`` set to ``value``; it must raise ParameterError, one line."""
    try:
        case.call(param, value)
    except ParameterError as exc:
        message = str(exc)
        assert message and "\n" not in message, f"{case.name}({param}={value!r}): {message!r}"
        return exc
    except Exception as exc:  # noqa: BLE001 - the point: nothing else may escape
        raise AssertionError(
            f"{case.name}({param}={value!r}) raised {type(exc).__name__}: {exc}"
        ) from exc
    raise AssertionError(f"{case.name}({param}={value!r}) accepted a bad value")


def uncovered(module, cases: list[Case], exempt: dict[str, str]) -> set[str]:
    """Public callables of ``module`` (its ``__all__``) with neither a case nor an exemption."""
    covered = {getattr(c.func, "__name__", None) for c in cases}
    covered |= {c.func.__qualname__.split(".")[0] for c in cases if hasattr(c.func, "__qualname__")}
    public = {
        name for name in module.__all__
        if callable(getattr(module, name)) and not inspect.isclass(getattr(module, name))
        or inspect.isclass(getattr(module, name)) and not issubclass(getattr(module, name), BaseException)
    }
    return public - covered - set(exempt)


def sweep(module, cases: list[Case], exempt: dict[str, str], max_examples: int = 300) -> tuple:
    """The four tests of a package's bad-input file, bound to its cases.

    Assign them at module level so pytest collects them::

        (test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
         test_bad_values_raise_the_project_error,
         test_every_bad_value_raises_the_project_error) = sweep(routing, CASES, EXEMPT)
    """

    def test_every_public_callable_has_a_case():
        assert uncovered(module, cases, exempt) == set()
        assert set(exempt) <= set(module.__all__)

    @pytest.mark.parametrize("case", cases, ids=lambda c: c.name)
    def test_the_valid_call_of_each_case_succeeds(case):
        case.call()

    @settings(max_examples=max_examples)
    @given(mutations(cases))
    def test_bad_values_raise_the_project_error(triple):
        require_project_error(*triple)

    def test_every_bad_value_raises_the_project_error():
        """Sampling may miss a triple; this loop does not (each call is quick)."""
        failures = []
        for case, param, value in triples(cases):
            try:
                exc = require_project_error(case, param, value)
            except AssertionError as err:
                failures.append(str(err).splitlines()[0])
                continue
            if " must " not in str(exc) and " is " not in str(exc):
                failures.append(f"{case.name}({param}={value!r}) does not say what is allowed: {exc}")
        assert not failures, "\n".join(failures)

    return (test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
            test_bad_values_raise_the_project_error, test_every_bad_value_raises_the_project_error)
