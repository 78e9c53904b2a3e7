"""Names missing from a registry: the one "did you mean" of the project."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from .errors import ParameterError

__all__ = ["check_choice", "did_you_mean", "unknown_name"]


def did_you_mean(name: object, known: Iterable[str], *, normalise: Callable[[str], str] = str.lower) -> list[str]:
    """The known names closest to ``name``: those it begins (at most two), else difflib's best.

    Matching ignores what ``normalise`` removes (case, by default).

    Examples
    --------
    >>> did_you_mean("murhpy", ["poisson", "murphy"])
    ['murphy']
    >>> did_you_mean("seeds", ["seeds-exponential", "seeds-hyperbolic", "murphy"])
    ['seeds-exponential', 'seeds-hyperbolic']
    >>> did_you_mean(3, ["a"])
    []
    """
    if not isinstance(name, str):
        return []
    by_key = {normalise(k): k for k in known}
    key = normalise(name)
    guesses = [k for n, k in by_key.items() if key and n.startswith(key)][:2]
    if not guesses:
        guesses = [by_key[m] for m in difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.6)]
    return guesses


def unknown_name(
    kind: str,
    name: object,
    known: Iterable[str],
    *,
    normalise: Callable[[str], str] = str.lower,
) -> ParameterError:
    """The error for a name missing from a registry, with a "did you mean".

    Parameters
    ----------
    kind : str
        What the name names, as the message starts ("scheme", "packaging").
    name : object
        What was given.
    known : iterable of str
        The names allowed, listed in the message in this order.
    normalise : callable, optional
        Applied to both sides before suggesting (default: lower case).

    Examples
    --------
    >>> print(unknown_name("scheme", "shift-to-spar", ["shift-to-spare"]))
    scheme must be one of 'shift-to-spare', got 'shift-to-spar' (did you mean 'shift-to-spare'?)
    >>> print(unknown_name("node", "7", []))
    node must be one of (none), got '7'
    """
    known = list(known)
    listed = ", ".join(repr(k) for k in known) or "(none)"
    guesses = did_you_mean(name, known, normalise=normalise)
    hint = f" (did you mean {' or '.join(repr(g) for g in guesses)}?)" if guesses else ""
    return ParameterError(f"{kind} must be one of {listed}, got {name!r}{hint}")


def check_choice(name: str, value: object, known: Iterable[str]) -> str:
    """``value``, raising ParameterError (with a "did you mean") unless one of ``known``.

    Examples
    --------
    >>> check_choice("clustering", "wafer", ("reticle", "wafer", "none"))
    'wafer'
    >>> check_choice("clustering", "wafr", ("reticle", "wafer", "none"))
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: clustering must be one of 'reticle', 'wafer', 'none', got 'wafr' (did you mean 'wafer'?)
    """
    known = list(known)
    if not isinstance(value, str) or value not in known:
        raise unknown_name(name, value, known)
    return value
