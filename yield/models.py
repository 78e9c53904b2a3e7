"""Registry of the closed-form die yield models, by name.

As BookSim registers its routing functions by name, every die yield model of
:mod:`yieldmodels.closed_form` is registered here under a stable name, with
the extra parameters it takes, its formula and the paper it comes from, so a
front end (the ``wafer yield`` command) can list, pick and compare them.

Names: ``"poisson"``, ``"murphy"``, ``"rectangular"``, ``"seeds-exponential"``,
``"seeds-hyperbolic"``, ``"bose-einstein"``, ``"negative-binomial"``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from .closed_form import (
    _check_ratio,
    bose_einstein_yield,
    murphy_yield,
    negative_binomial_yield,
    poisson_yield,
    rectangular_yield,
    seeds_exponential_yield,
    seeds_hyperbolic_yield,
)
from .errors import ParameterError, _check_int, _check_nonnegative, _check_positive

__all__ = ["YIELD_MODELS", "YieldModel", "all_yields", "get_model"]

_CUNNINGHAM = (
    "J. A. Cunningham, IEEE Trans. Semicond. Manuf. 3(2), 60-71, 1990 (survey)"
)


@dataclass(frozen=True)
class YieldModel:
    """One registered die yield model.

    Attributes
    ----------
    name : str
        Registry name, lower case with hyphens (e.g. ``"negative-binomial"``).
    func : callable
        The closed form, called as ``func(area_mm2, d0, *extra,
        critical_area_ratio=...)`` with ``extra`` in the order of ``params``
        (each may also be passed by keyword).
    params : tuple of str
        Parameters the model takes beyond ``area_mm2``, ``d0`` and
        ``critical_area_ratio`` (common to all), e.g. ``("alpha",)``.
    formula : str
        The yield as a short formula in ``A`` (critical area) and ``D0``.
    reference : str
        Where the formula comes from.

    Examples
    --------
    >>> m = YIELD_MODELS["negative-binomial"]
    >>> m.params
    ('alpha',)
    >>> round(m.func(814.0, 0.1, 3.0), 6)
    0.486656
    """

    name: str
    func: Callable[..., float]
    params: tuple[str, ...]
    formula: str
    reference: str


YIELD_MODELS: dict[str, YieldModel] = {
    m.name: m
    for m in (
        YieldModel(
            "poisson",
            poisson_yield,
            (),
            "exp(-A*D0)",
            "C. H. Stapper, F. M. Armstrong, K. Saji, Proc. IEEE 71(4), 453-470, 1983",
        ),
        YieldModel(
            "murphy",
            murphy_yield,
            (),
            "((1 - exp(-A*D0)) / (A*D0))^2",
            "B. T. Murphy, Proc. IEEE 52(12), 1537-1545, 1964",
        ),
        YieldModel(
            "rectangular",
            rectangular_yield,
            (),
            "(1 - exp(-2*A*D0)) / (2*A*D0)",
            "B. T. Murphy, Proc. IEEE 52(12), 1537-1545, 1964 (uniform density)",
        ),
        YieldModel(
            "seeds-exponential",
            seeds_exponential_yield,
            (),
            "exp(-sqrt(A*D0))",
            "R. B. Seeds, IEEE Int. Convention Record, pt. 6, 61-66, 1967; " + _CUNNINGHAM,
        ),
        YieldModel(
            "seeds-hyperbolic",
            seeds_hyperbolic_yield,
            (),
            "1 / (1 + A*D0)",
            "textbook 'Seeds' (exponential density of D); = Price, Proc. IEEE "
            "58(8), 1290-1291, 1970 with n = 1",
        ),
        YieldModel(
            "bose-einstein",
            bose_einstein_yield,
            ("critical_layers",),
            "(1 + A*D0)^-n, D0 per critical layer",
            "J. E. Price, Proc. IEEE 58(8), 1290-1291, 1970",
        ),
        YieldModel(
            "negative-binomial",
            negative_binomial_yield,
            ("alpha",),
            "(1 + A*D0/alpha)^-alpha",
            "C. H. Stapper, IBM J. Res. Dev. 27(6), 549-557, 1983",
        ),
    )
}


def _normalise(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def get_model(name: str) -> YieldModel:
    """Return the registered yield model called ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`YIELD_MODELS`. Case, surrounding spaces and
        underscores for hyphens are forgiven (``"Negative_Binomial"``).

    Returns
    -------
    YieldModel

    Raises
    ------
    ParameterError
        If ``name`` is not a string or names no model; the one-line message
        lists the known names and suggests the closest ones.

    Notes
    -----
    O(number of models). Suggestions come from :mod:`difflib` plus the names
    that start with what was typed (``"seeds"`` suggests both Seeds forms).

    Examples
    --------
    >>> get_model("murphy").formula
    '((1 - exp(-A*D0)) / (A*D0))^2'
    >>> get_model("Negative_Binomial").name
    'negative-binomial'
    >>> try:
    ...     get_model("murhpy")
    ... except ParameterError as exc:
    ...     print(exc)  # doctest: +ELLIPSIS
    model must be one of ..., got 'murhpy'; did you mean 'murphy'?
    """
    known = ", ".join(repr(k) for k in YIELD_MODELS)
    if not isinstance(name, str):
        raise ParameterError(f"model must be one of {known}, got {name!r}")
    key = _normalise(name)
    if key in YIELD_MODELS:
        return YIELD_MODELS[key]
    guesses = [k for k in YIELD_MODELS if key and k.startswith(key)]
    guesses += [
        k for k in difflib.get_close_matches(key, YIELD_MODELS, n=2, cutoff=0.6) if k not in guesses
    ]
    hint = ""
    if guesses:
        hint = "; did you mean " + " or ".join(repr(g) for g in guesses) + "?"
    raise ParameterError(f"model must be one of {known}, got {name!r}{hint}")


def all_yields(
    area_mm2: float,
    d0: float,
    *,
    alpha: float = 3.0,
    critical_layers: int = 1,
    critical_area_ratio: float = 1.0,
) -> dict[str, dict]:
    """Every registered model's yield for one die, with the parameters each used.

    Parameters
    ----------
    area_mm2 : float
        Die area in mm^2, finite and >= 0.
    d0 : float
        Defect density in defects per cm^2, finite and >= 0. The
        Bose-Einstein model reads it as the density *per critical layer*
        (so with ``critical_layers = n`` its die carries ``n * d0``).
    alpha : float, default 3.0, keyword-only
        Clustering parameter of the negative binomial model, finite and > 0.
    critical_layers : int, default 1, keyword-only
        Critical layers of the Bose-Einstein model, an integer >= 1.
    critical_area_ratio : float, default 1.0, keyword-only
        Fraction of the die area that is critical, in (0, 1], for every model.

    Returns
    -------
    dict of str to dict
        Keyed by model name in registry order; each value is
        ``{"yield": float, "params": {name: value, ...}, "formula": str,
        "reference": str}``, where ``params`` holds only the model's own
        parameters (``YieldModel.params``); area, d0 and the ratio are
        common to all models. JSON-serialisable as is.

    Raises
    ------
    ParameterError
        On any invalid parameter, naming it (checked before any model runs).

    Notes
    -----
    O(number of models).

    Examples
    --------
    >>> ys = all_yields(814.0, 0.1, alpha=3.0)
    >>> round(ys["negative-binomial"]["yield"], 6), ys["negative-binomial"]["params"]
    (0.486656, {'alpha': 3.0})
    >>> ys["poisson"]["params"]
    {}
    >>> [name for name, v in ys.items() if v["yield"] > 0.5]
    ['seeds-hyperbolic', 'bose-einstein']
    """
    area = _check_nonnegative("area_mm2", area_mm2, "mm^2")
    dens = _check_nonnegative("d0", d0, "defects per cm^2")
    values = {
        "alpha": _check_positive("alpha", alpha),
        "critical_layers": _check_int("critical_layers", critical_layers, minimum=1),
    }
    ratio_arr = _check_ratio(critical_area_ratio)  # same message as the closed forms
    if ratio_arr.ndim != 0:
        raise ParameterError(
            f"critical_area_ratio must be a single number in (0, 1], got {critical_area_ratio!r}"
        )
    ratio = float(ratio_arr)
    out: dict[str, dict] = {}
    for name, model in YIELD_MODELS.items():
        used = {p: values[p] for p in model.params}
        y = model.func(area, dens, **used, critical_area_ratio=ratio)
        out[name] = {
            "yield": float(y),
            "params": used,
            "formula": model.formula,
            "reference": model.reference,
        }
    return out
