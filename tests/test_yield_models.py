"""The registry of die yield models and ``all_yields``."""

import json
import math

import numpy as np
import pytest

from yieldmodels import ParameterError
from yieldmodels.closed_form import (
    bose_einstein_yield,
    murphy_yield,
    negative_binomial_yield,
    poisson_yield,
    rectangular_yield,
    seeds_exponential_yield,
    seeds_hyperbolic_yield,
)
from yieldmodels.models import YIELD_MODELS, YieldModel, all_yields, get_model

NAMES = [
    "poisson",
    "murphy",
    "rectangular",
    "seeds-exponential",
    "seeds-hyperbolic",
    "bose-einstein",
    "negative-binomial",
]

# Independent literals (mpmath, 50 digits; see tests/test_yield_closed_form.py
# for the expressions) for the 814 mm^2 die at D0 = 0.1 /cm^2 (x = 0.814),
# alpha = 3 and one critical layer.
H100_LIKE = {
    "poisson": 0.44308218808216781,
    "murphy": 0.46809435799694824,
    "rectangular": 0.49365981241051503,
    "seeds-exponential": 0.40566828494380883,
    "seeds-hyperbolic": 0.55126791620727674,
    "bose-einstein": 0.55126791620727674,
    "negative-binomial": 0.4866555695363778,
}
# 46,225 mm^2 (WSE) at D0 = 0.2, alpha = 10, three critical layers (x = 92.45):
# mp.exp(-x), ((1-mp.exp(-x))/x)**2, (1-mp.exp(-2*x))/(2*x), mp.exp(-mp.sqrt(x)),
# 1/(1+x), (1+x)**-3, (1+x/10)**-10
WSE_02 = {
    "poisson": 7.0709073714525948e-41,
    "murphy": 0.00011700008277755857,
    "rectangular": 0.0054083288263926447,
    "seeds-exponential": 6.6714228747087834e-5,
    "seeds-hyperbolic": 0.010700909577314072,
    "bose-einstein": 1.2253554390781383e-6,
    "negative-binomial": 7.8501936951073334e-11,
}


def test_registry_names_and_order():
    assert list(YIELD_MODELS) == NAMES
    for name, model in YIELD_MODELS.items():
        assert isinstance(model, YieldModel)
        assert model.name == name
        assert model.formula and model.reference
        assert isinstance(model.params, tuple)


def test_registry_functions_and_params():
    expected = {
        "poisson": (poisson_yield, ()),
        "murphy": (murphy_yield, ()),
        "rectangular": (rectangular_yield, ()),
        "seeds-exponential": (seeds_exponential_yield, ()),
        "seeds-hyperbolic": (seeds_hyperbolic_yield, ()),
        "bose-einstein": (bose_einstein_yield, ("critical_layers",)),
        "negative-binomial": (negative_binomial_yield, ("alpha",)),
    }
    for name, (func, params) in expected.items():
        assert YIELD_MODELS[name].func is func
        assert YIELD_MODELS[name].params == params


def test_yield_model_is_frozen():
    with pytest.raises(AttributeError):
        YIELD_MODELS["poisson"].name = "other"  # type: ignore[misc]


@pytest.mark.parametrize("name", NAMES)
def test_get_model(name):
    assert get_model(name) is YIELD_MODELS[name]
    assert get_model(name.upper().replace("-", "_")) is YIELD_MODELS[name]
    assert get_model(f"  {name} ") is YIELD_MODELS[name]


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("murhpy", "did you mean 'murphy'?"),
        ("posson", "did you mean 'poisson'?"),
        ("negative-binomal", "did you mean 'negative-binomial'?"),
        ("bose", "did you mean 'bose-einstein'?"),
        ("seeds", "did you mean 'seeds-exponential' or 'seeds-hyperbolic'?"),
    ],
)
def test_get_model_suggests(typo, suggestion):
    with pytest.raises(ParameterError) as info:
        get_model(typo)
    msg = str(info.value)
    assert msg.startswith("model must be one of 'poisson', 'murphy'")
    assert f"got '{typo}'" in msg
    assert msg.endswith(f"({suggestion})")
    assert "\n" not in msg


@pytest.mark.parametrize("bad", ["", "xyzzy", None, 3, ["poisson"]])
def test_get_model_unknown_without_suggestion(bad):
    with pytest.raises(ParameterError, match="^model must be one of") as info:
        get_model(bad)
    assert "did you mean" not in str(info.value)


def test_all_yields_h100_literals():
    out = all_yields(814.0, 0.1, alpha=3.0, critical_layers=1)
    assert list(out) == NAMES
    for name, value in H100_LIKE.items():
        entry = out[name]
        assert set(entry) == {"yield", "params", "formula", "reference"}
        assert type(entry["yield"]) is float
        assert math.isclose(entry["yield"], value, rel_tol=1e-6), name
        assert entry["formula"] == YIELD_MODELS[name].formula
        assert entry["reference"] == YIELD_MODELS[name].reference
    assert out["negative-binomial"]["params"] == {"alpha": 3.0}
    assert out["bose-einstein"]["params"] == {"critical_layers": 1}
    assert all(out[n]["params"] == {} for n in NAMES[:5])


def test_all_yields_wse_literals():
    out = all_yields(46225.0, 0.2, alpha=10.0, critical_layers=3)
    for name, value in WSE_02.items():
        assert math.isclose(out[name]["yield"], value, rel_tol=1e-6), name
    assert out["bose-einstein"]["params"] == {"critical_layers": 3}
    assert out["negative-binomial"]["params"] == {"alpha": 10.0}


def test_all_yields_defaults_and_ratio():
    out = all_yields(814.0, 0.1)
    assert out["negative-binomial"]["params"] == {"alpha": 3.0}
    half = all_yields(1628.0, 0.1, critical_area_ratio=0.5)
    for name in NAMES:
        assert math.isclose(half[name]["yield"], out[name]["yield"], rel_tol=1e-14)


def test_all_yields_is_json_serialisable():
    out = all_yields(814.0, 0.1, alpha=2, critical_layers=np.int64(2))
    back = json.loads(json.dumps(out))
    assert back["bose-einstein"]["params"] == {"critical_layers": 2}
    assert back["negative-binomial"]["params"] == {"alpha": 2.0}


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"area_mm2": -1.0}, "area_mm2"),
        ({"area_mm2": float("nan")}, "area_mm2"),
        ({"d0": float("inf")}, "d0"),
        ({"d0": -0.1}, "d0"),
        ({"d0": [0.1, 0.2]}, "d0"),
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": -2.0}, "alpha"),
        ({"alpha": float("nan")}, "alpha"),
        ({"critical_layers": 0}, "critical_layers"),
        ({"critical_layers": 2.5}, "critical_layers"),
        ({"critical_area_ratio": 0.0}, "critical_area_ratio"),
        ({"critical_area_ratio": 1.5}, "critical_area_ratio"),
        ({"critical_area_ratio": [0.5, 0.6]}, "critical_area_ratio"),
    ],
)
def test_all_yields_bad_parameters(kwargs, name):
    args = {"area_mm2": 814.0, "d0": 0.1, **kwargs}
    area, d0 = args.pop("area_mm2"), args.pop("d0")
    with pytest.raises(ParameterError, match=f"^{name} must be"):
        all_yields(area, d0, **args)
