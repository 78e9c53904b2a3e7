"""Registry of the closed-form die yield models, by name.

As BookSim registers its routing functions by name, every die yield model of
:mod:`yieldmodels.closed_form` is registered here under a stable name, with
the extra parameters it takes, its formula and the paper it comes from, so a
front end (the ``wafer yield`` command) can list, pick and compare them.

Names: ``"poisson"``, ``"murphy"``, ``"rectangular"``, ``"seeds-exponential"``,
``"seeds-hyperbolic"``, ``"bose-einstein"``, ``"negative-binomial"``.

Each model also carries its *mixing law* (:attr:`YieldModel.mixing`): every
classic yield model is a compound Poisson, ``Y = E[exp(-A D0 X)]`` for a
random relative density ``X``, so the samplers reproduce any model's yield by
Monte Carlo when given that law.
"""

from __future__ import annotations

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
from paramcheck import (
    ParameterError,
    check_int,
    check_nonnegative,
    check_positive,
    check_str,
    shown,
    unknown_name,
)
from .sampling import Mixing

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
    mixing : callable
        ``mixing(*params, max_defects=None)`` returns the model's
        :class:`Mixing` law (``params`` as for ``func``, checked and named in
        any error), the law of ``X`` in ``Y = E[exp(-A D0 X)]``: sampling
        with ``mean_defects = A * D0`` and this law (:func:`sample_defects`,
        :func:`sample_grid_defects`) gives dies defect-free with probability
        ``func(area_mm2, d0, *params)``. ``max_defects`` caps each count draw
        (required for ``"seeds-exponential"``).

    Notes
    -----
    Mixing laws, checked by their Laplace transforms ``E[exp(-s X)]`` (see
    :class:`Mixing`): poisson ``X = 1``; murphy triangular on [0, 2] (the
    sum of two ``U(0, 1)``, Murphy 1964); rectangular uniform on [0, 2];
    seeds-hyperbolic exponential with mean 1; bose-einstein ``Gamma(n, 1)``
    (``n`` layers, each with an exponential density of mean ``D0``: mean
    ``n``, Price 1970); negative-binomial ``Gamma(alpha, 1/alpha)`` (Stapper
    1983); seeds-exponential Levy with scale 1/2, ``X = 1 / (2 Z^2)``, whose
    transform is ``exp(-sqrt(s))`` (Seeds 1967; Cunningham 1990).

    So ``mean_defects = A * D0`` is the *scale* of the count: the mean
    defect count ``A * D0 * E[X]`` is ``A * D0`` for every model except
    bose-einstein (``n * A * D0``, ``D0`` being per layer) and
    seeds-exponential, whose ``E[X]`` is infinite: the Seeds exponential
    model implies an infinite mean defect count, so Monte Carlo can check
    its yield but not a mean.

    Examples
    --------
    >>> m = YIELD_MODELS["negative-binomial"]
    >>> m.params
    ('alpha',)
    >>> round(m.func(814.0, 0.1, 3.0), 6)
    0.486656
    >>> m.mixing(alpha=3.0)
    Mixing(kind='gamma', shape=3.0, scale=1.0, max_defects=None)

    From a model name to a Monte Carlo yield:

    >>> from yieldmodels import get_model, sample_defects
    >>> be = get_model("bose-einstein")
    >>> law = be.mixing(critical_layers=2)  # Gamma(2, 1): mean 2
    >>> b = sample_defects(40_000, 0.5, 100, seed=3, mixing=law)  # A * D0_layer = 0.5
    >>> y = float((b.counts == 0).mean())
    >>> bool(abs(y - be.func(500.0, 0.1, 2)) < 0.01), law.mean  # (1 + 0.5)^-2
    (True, 2.0)
    """

    name: str
    func: Callable[..., float]
    params: tuple[str, ...]
    formula: str
    reference: str
    mixing: Callable[..., Mixing]

    def __post_init__(self) -> None:
        if not check_str("name", self.name):
            raise ParameterError("name must be a non-empty string, got ''")
        for attr in ("func", "mixing"):
            if not callable(getattr(self, attr)):
                raise ParameterError(f"{attr} must be callable, got {shown(getattr(self, attr))}")
        if not (isinstance(self.params, tuple) and all(isinstance(p, str) for p in self.params)):
            raise ParameterError(
                f"params must be a tuple of parameter names, got {shown(self.params)}"
            )
        check_str("formula", self.formula)
        check_str("reference", self.reference)


def _poisson_mixing(*, max_defects: int | None = None) -> Mixing:
    return Mixing.poisson(max_defects=max_defects)


def _murphy_mixing(*, max_defects: int | None = None) -> Mixing:
    return Mixing.triangular(max_defects=max_defects)


def _rectangular_mixing(*, max_defects: int | None = None) -> Mixing:
    return Mixing.uniform(max_defects=max_defects)


def _seeds_exponential_mixing(*, max_defects: int | None = None) -> Mixing:
    return Mixing.levy(0.5, max_defects=max_defects)


def _seeds_hyperbolic_mixing(*, max_defects: int | None = None) -> Mixing:
    return Mixing.exponential(max_defects=max_defects)


def _bose_einstein_mixing(critical_layers: int, *, max_defects: int | None = None) -> Mixing:
    n = check_int("critical_layers", critical_layers, minimum=1)
    return Mixing.gamma(float(n), float(n), max_defects=max_defects)


def _negative_binomial_mixing(alpha: float, *, max_defects: int | None = None) -> Mixing:
    return Mixing.gamma(check_positive("alpha", alpha), max_defects=max_defects)


YIELD_MODELS: dict[str, YieldModel] = {
    m.name: m
    for m in (
        YieldModel(
            "poisson",
            poisson_yield,
            (),
            "exp(-A*D0)",
            "C. H. Stapper, F. M. Armstrong, K. Saji, Proc. IEEE 71(4), 453-470, 1983",
            _poisson_mixing,
        ),
        YieldModel(
            "murphy",
            murphy_yield,
            (),
            "((1 - exp(-A*D0)) / (A*D0))^2",
            "B. T. Murphy, Proc. IEEE 52(12), 1537-1545, 1964",
            _murphy_mixing,
        ),
        YieldModel(
            "rectangular",
            rectangular_yield,
            (),
            "(1 - exp(-2*A*D0)) / (2*A*D0)",
            "B. T. Murphy, Proc. IEEE 52(12), 1537-1545, 1964 (uniform density)",
            _rectangular_mixing,
        ),
        YieldModel(
            "seeds-exponential",
            seeds_exponential_yield,
            (),
            "exp(-sqrt(A*D0))",
            "R. B. Seeds, IEEE Int. Convention Record, pt. 6, 61-66, 1967; " + _CUNNINGHAM,
            _seeds_exponential_mixing,
        ),
        YieldModel(
            "seeds-hyperbolic",
            seeds_hyperbolic_yield,
            (),
            "1 / (1 + A*D0)",
            "textbook 'Seeds' (exponential density of D); = Price, Proc. IEEE "
            "58(8), 1290-1291, 1970 with n = 1",
            _seeds_hyperbolic_mixing,
        ),
        YieldModel(
            "bose-einstein",
            bose_einstein_yield,
            ("critical_layers",),
            "(1 + A*D0)^-n, D0 per critical layer",
            "J. E. Price, Proc. IEEE 58(8), 1290-1291, 1970",
            _bose_einstein_mixing,
        ),
        YieldModel(
            "negative-binomial",
            negative_binomial_yield,
            ("alpha",),
            "(1 + A*D0/alpha)^-alpha",
            "C. H. Stapper, IBM J. Res. Dev. 27(6), 549-557, 1983",
            _negative_binomial_mixing,
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
    model must be one of ..., got 'murhpy' (did you mean 'murphy'?)
    """
    if isinstance(name, str) and _normalise(name) in YIELD_MODELS:
        return YIELD_MODELS[_normalise(name)]
    raise unknown_name("model", name, YIELD_MODELS, normalise=_normalise)


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
    area = check_nonnegative("area_mm2", area_mm2, "mm^2")
    dens = check_nonnegative("d0", d0, "defects per cm^2")
    values = {
        "alpha": check_positive("alpha", alpha),
        "critical_layers": check_int("critical_layers", critical_layers, minimum=1),
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
