"""Closed-form yield models, assembly yield and input validation."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yieldmodels import (
    ParameterError,
    expected_defects,
    good_systems_per_wafer,
    negative_binomial_yield,
    poisson_yield,
    system_yield,
)


def close(a, b, rel=1e-9):
    return math.isclose(a, b, rel_tol=rel)


def test_poisson_hand_values():
    # 100 mm^2 = 1 cm^2; exp(-0.1)
    assert close(poisson_yield(100.0, 0.1), 0.9048374180359595)
    # H100-sized die, 814 mm^2 at 0.1/cm^2: exp(-0.814)
    assert close(poisson_yield(814.0, 0.1), 0.4430821880821678)
    # WSE, 46,225 mm^2 at 0.1/cm^2: exp(-46.225)
    assert close(poisson_yield(46225.0, 0.1), 8.40886875355572e-21)
    assert poisson_yield(0.0, 5.0) == 1.0
    assert poisson_yield(500.0, 0.0) == 1.0


def test_negative_binomial_hand_values():
    # (1 + 0.814/3)^-3
    assert close(negative_binomial_yield(814.0, 0.1, 3.0), 0.48665556953637795)
    # alpha = 1 is Bose-Einstein-like 1/(1 + AD): 1/1.1
    assert close(negative_binomial_yield(100.0, 0.1, 1.0), 0.9090909090909091)
    # alpha = 2, A D = 2: (1 + 1)^-2 = 0.25
    assert close(negative_binomial_yield(200.0, 1.0, 2.0), 0.25)


def test_expected_defects_hand_values():
    assert close(expected_defects(814.0, 0.1), 0.814)
    assert close(expected_defects(46225.0, 0.1), 46.225)


@pytest.mark.parametrize("area", [1.0, 100.0, 814.0, 2000.0])
def test_negative_binomial_tends_to_poisson(area):
    nb = negative_binomial_yield(area, 0.1, 1e6)
    assert math.isclose(nb, poisson_yield(area, 0.1), rel_tol=1e-5)


def test_scalar_in_float_out_array_in_array_out():
    assert type(poisson_yield(100, 1)) is float
    assert type(negative_binomial_yield(np.float32(100), 1, 2)) is float
    out = poisson_yield(np.array([0.0, 100.0]), 1.0)
    assert isinstance(out, np.ndarray) and out.shape == (2,)
    grid = negative_binomial_yield(np.array([[100.0], [200.0]]), [0.1, 0.2, 0.3], 3.0)
    assert grid.shape == (2, 3)
    assert close(grid[1, 2], (1 + 0.6 / 3) ** -3)


@given(
    st.floats(0, 1e5),
    st.floats(0, 10),
    st.floats(0.1, 100),
)
def test_ordering_and_range(area, d0, alpha):
    p = poisson_yield(area, d0)
    nb = negative_binomial_yield(area, d0, alpha)
    assert 0.0 <= p <= nb <= 1.0
    assert close(expected_defects(area, d0), area / 100 * d0, rel=1e-12)


BAD = [-1.0, float("nan"), float("inf"), -float("inf")]


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("func", [poisson_yield, expected_defects])
def test_bad_area_and_d0(func, bad):
    with pytest.raises(ParameterError, match="area_mm2"):
        func(bad, 0.1)
    with pytest.raises(ParameterError, match="d0"):
        func(100.0, bad)
    with pytest.raises(ParameterError, match="d0"):
        func(100.0, [0.1, bad])


@pytest.mark.parametrize("bad", [0.0, -2.0, float("nan"), float("inf")])
def test_bad_alpha(bad):
    with pytest.raises(ParameterError, match="alpha"):
        negative_binomial_yield(100.0, 0.1, bad)


@pytest.mark.parametrize("bad", ["1", None, True, [1, "x"]])
def test_non_numbers_rejected(bad):
    with pytest.raises(ParameterError, match="d0"):
        poisson_yield(100.0, bad)


def test_message_is_one_line_with_value_and_allowed():
    with pytest.raises(ParameterError) as info:
        poisson_yield(100.0, -1.0)
    assert str(info.value) == "d0 must be a finite number >= 0 (defects per cm^2), got -1.0"
    assert isinstance(info.value, ValueError)


def test_shapes_must_broadcast():
    with pytest.raises(ParameterError, match="broadcast"):
        poisson_yield([1.0, 2.0], [1.0, 2.0, 3.0])


def test_system_yield():
    assert close(system_yield(25, 0.98), 0.98**25)
    assert system_yield(1) == 1.0
    assert system_yield(3, 0.0) == 0.0


def test_good_systems_per_wafer():
    # 100 good dies, 25 per Dojo-like tile, InFO bonding 0.98
    assert close(good_systems_per_wafer(100.0, 25, 0.98), 4 * 0.98**25)
    assert close(good_systems_per_wafer(10.0, 25), 0.4)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: system_yield(0), "n_dies"),
        (lambda: system_yield(2.5), "n_dies"),
        (lambda: system_yield(2, 1.5), "bond_yield"),
        (lambda: system_yield(2, float("nan")), "bond_yield"),
        (lambda: good_systems_per_wafer(-1.0, 2), "good_dies_per_wafer"),
        (lambda: good_systems_per_wafer(float("inf"), 2), "good_dies_per_wafer"),
    ],
)
def test_assembly_bad_input(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


# ---------------------------------------------------------------------------
# Every die-yield model against reference values computed independently.
#
# The literals below were produced once with mpmath at 50 significant digits,
# NOT by calling the functions under test (x = area_mm2 / 100 * d0):
#
#     import mpmath as mp; mp.mp.dps = 50
#     x = mp.mpf(A) / 100 * mp.mpf(D)
#     poisson     = mp.exp(-x)
#     murphy      = ((1 - mp.exp(-x)) / x) ** 2
#     rectangular = (1 - mp.exp(-2 * x)) / (2 * x)
#     seeds_exp   = mp.exp(-mp.sqrt(x))
#     seeds_hyp   = 1 / (1 + x)
#     be1, be3    = (1 + x) ** -1, (1 + x) ** -3     # d0 per layer = D
#     nb2, nb3, nb10 = (1 + x / a) ** -a for a = 2, 3, 10
#     print(mp.nstr(value, 17))
#
# for A in 100, 400, 814, 46225 mm^2 and D in 0.05, 0.1, 0.2 /cm^2.
# ---------------------------------------------------------------------------

from yieldmodels.closed_form import (  # noqa: E402
    bose_einstein_yield,
    murphy_yield,
    rectangular_yield,
    seeds_exponential_yield,
    seeds_hyperbolic_yield,
)

REF_KEYS = ('poisson', 'murphy', 'rectangular', 'seeds_exp', 'seeds_hyp', 'be1', 'be3', 'nb2', 'nb3', 'nb10')
REFERENCE = [
    (100.0, 0.05, (0.95122942450071401, 0.95142761381262199, 0.95162581964040427, 0.79962948867703541, 0.95238095238095238, 0.95238095238095238, 0.86383759853147608, 0.95181439619274242, 0.9516215013591446, 0.95134794069606878)),
    (100.0, 0.1, (0.90483741803595957, 0.90559170060627123, 0.90634623461009071, 0.7288934141100246, 0.90909090909090909, 0.90909090909090909, 0.75131480090157776, 0.90702947845804989, 0.90631398744587291, 0.90528695469298329)),
    (100.0, 0.2, (0.81873075307798186, 0.82146349699188959, 0.82419988491090175, 0.6394073191618971, 0.83333333333333333, 0.83333333333333333, 0.5787037037037037, 0.82644628099173554, 0.823974609375, 0.82034829987515528)),
    (400.0, 0.05, (0.81873075307798186, 0.82146349699188959, 0.82419988491090175, 0.6394073191618971, 0.83333333333333333, 0.83333333333333333, 0.5787037037037037, 0.82644628099173554, 0.823974609375, 0.82034829987515528)),
    (400.0, 0.1, (0.6703200460356393, 0.67930545028714369, 0.68833879485347301, 0.53128560913296781, 0.71428571428571429, 0.71428571428571429, 0.36443148688046647, 0.69444444444444444, 0.68695298188479544, 0.67556416882579886)),
    (400.0, 0.2, (0.44932896411722159, 0.4738102965003316, 0.49881467625334037, 0.40884171979780414, 0.55555555555555556, 0.55555555555555556, 0.17146776406035665, 0.51020408163265306, 0.49205423531126986, 0.46319348808468448)),
    (814.0, 0.05, (0.66564419030152123, 0.67488368465324482, 0.68417421611527297, 0.52836628388467137, 0.71073205401563611, 0.71073205401563611, 0.35901922715372074, 0.69041117264784249, 0.68272744818149159, 0.67103388997497112)),
    (814.0, 0.1, (0.44308218808216781, 0.46809435799694824, 0.49365981241051503, 0.40566828494380883, 0.55126791620727674, 0.55126791620727674, 0.16752828855540964, 0.50514005260528508, 0.4866555695363778, 0.45723171587703197)),
    (814.0, 0.2, (0.19632182539568153, 0.24370001038918489, 0.29528800395371853, 0.27917092994609714, 0.38051750380517504, 0.38051750380517504, 0.055096488090609361, 0.30389631543951309, 0.27238532967111691, 0.2212838755406763)),
    (46225.0, 0.05, (9.169988415235721e-11, 0.0018720013240976124, 0.021633315305570579, 0.0081678778606862036, 0.041472265422498704, 0.041472265422498704, 7.1330173116606806e-5, 0.0063427864802515113, 0.0015164161644224352, 6.3107399878696127e-6)),
    (46225.0, 0.1, (8.4088687535557331e-21, 0.00046800033111023426, 0.010816657652785289, 0.001115004353757964, 0.021175224986765484, 0.021175224986765484, 9.49476237671016e-6, 0.0017199487992741816, 0.00022636359872675815, 3.1674178431659351e-8)),
    (46225.0, 0.2, (7.0709073714525948e-41, 0.00011700008277755857, 0.0054083288263926447, 6.6714228747087834e-5, 0.010700909577314072, 0.010700909577314072, 1.2253554390781383e-6, 0.00044839015324013731, 3.1048167019648366e-5, 7.8501936951073334e-11)),
]

REF_FUNCS = {
    "poisson": lambda a, d: poisson_yield(a, d),
    "murphy": lambda a, d: murphy_yield(a, d),
    "rectangular": lambda a, d: rectangular_yield(a, d),
    "seeds_exp": lambda a, d: seeds_exponential_yield(a, d),
    "seeds_hyp": lambda a, d: seeds_hyperbolic_yield(a, d),
    "be1": lambda a, d: bose_einstein_yield(a, d, 1),
    "be3": lambda a, d: bose_einstein_yield(a, d, 3),
    "nb2": lambda a, d: negative_binomial_yield(a, d, 2.0),
    "nb3": lambda a, d: negative_binomial_yield(a, d, 3.0),
    "nb10": lambda a, d: negative_binomial_yield(a, d, 10.0),
}


@pytest.mark.parametrize("key", REF_KEYS)
@pytest.mark.parametrize(("area", "d0", "values"), REFERENCE, ids=lambda v: str(v)[:8])
def test_reference_table(area, d0, values, key):
    expected = values[REF_KEYS.index(key)]
    got = REF_FUNCS[key](area, d0)
    assert type(got) is float
    assert math.isclose(got, expected, rel_tol=1e-6), (key, area, d0, got, expected)


@pytest.mark.parametrize("key", REF_KEYS)
def test_reference_table_vectorised(key):
    """The whole grid in one broadcast call matches the scalar literals."""
    areas = np.array([row[0] for row in REFERENCE])
    d0s = np.array([row[1] for row in REFERENCE])
    expected = np.array([row[2][REF_KEYS.index(key)] for row in REFERENCE])
    got = REF_FUNCS[key](areas, d0s)
    assert got.shape == areas.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6)


NEW_MODELS = [murphy_yield, rectangular_yield, seeds_exponential_yield, seeds_hyperbolic_yield]


@pytest.mark.parametrize("func", [*NEW_MODELS, poisson_yield])
def test_zero_defects_is_exactly_one(func):
    assert func(0.0, 0.1) == 1.0
    assert func(814.0, 0.0) == 1.0
    assert np.array_equal(func([0.0, 0.0], [0.0, 3.0]), [1.0, 1.0])


@pytest.mark.parametrize("x", [1e-300, 1e-200, 1e-12, 1e-8, 1e-5])
def test_murphy_and_rectangular_accurate_at_tiny_ad(x):
    # Series: (1 - e^-x)/x = 1 - x/2 + x^2/6 - ..., so Murphy = 1 - x + 7x^2/12,
    # rectangular = 1 - x + 2x^2/3; a naive (1 - exp(-x)) / x loses all digits.
    area, d0 = 100.0, x  # A D0 = x
    assert math.isclose(murphy_yield(area, d0), 1 - x + 7 * x * x / 12, rel_tol=1e-14)
    assert math.isclose(rectangular_yield(area, d0), 1 - x + 2 * x * x / 3, rel_tol=1e-14)


def test_identities_between_models():
    a = np.array([0.0, 50.0, 814.0, 46225.0])
    d = np.array([[0.05], [0.1], [2.0]])
    hyp = seeds_hyperbolic_yield(a, d)
    np.testing.assert_allclose(bose_einstein_yield(a, d, 1), hyp, rtol=1e-14)
    np.testing.assert_allclose(negative_binomial_yield(a, d, 1.0), hyp, rtol=1e-14)
    # n layers of density D0 each = product of n hyperbolic yields.
    np.testing.assert_allclose(bose_einstein_yield(a, d, 4), hyp**4, rtol=1e-12)
    # Ordering for the same mean: Poisson <= Murphy <= rectangular <= hyperbolic.
    p = poisson_yield(a, d)
    m = murphy_yield(a, d)
    r = rectangular_yield(a, d)
    assert np.all(p <= m + 1e-15) and np.all(m <= r + 1e-15) and np.all(r <= hyp + 1e-15)


@pytest.mark.parametrize("area", [1.0, 100.0, 814.0, 2000.0, 46225.0])
@pytest.mark.parametrize("d0", [0.05, 0.1, 0.2])
def test_negative_binomial_converges_to_poisson(area, d0):
    """NB -> Poisson as alpha -> inf; the gap shrinks like (A D0)^2 / (2 alpha)."""
    lam = area / 100 * d0
    p = poisson_yield(area, d0)
    gaps = []
    for alpha in (1e2, 1e4, 1e6, 1e8):
        nb = negative_binomial_yield(area, d0, alpha)
        gap = math.log(nb) - math.log(p)  # = lam - alpha*log1p(lam/alpha) > 0
        assert gap >= 0.0
        # gap = lam^2/(2 alpha) - lam^3/(3 alpha^2) + ...: check the leading term
        assert abs(gap - lam * lam / (2 * alpha)) <= lam**3 / (2 * alpha**2) + 1e-12 * lam
        gaps.append(gap)
    assert gaps == sorted(gaps, reverse=True)


def test_critical_area_ratio_scales_area_only():
    for func in (poisson_yield, murphy_yield, rectangular_yield, seeds_exponential_yield,
                 seeds_hyperbolic_yield):
        assert func(814.0, 0.1, critical_area_ratio=0.5) == pytest.approx(func(407.0, 0.1), rel=1e-15)
        # default 1.0 leaves results bit-identical
        assert func(814.0, 0.1, critical_area_ratio=1.0) == func(814.0, 0.1)
    assert negative_binomial_yield(814.0, 0.1, 3.0, critical_area_ratio=0.25) == pytest.approx(
        negative_binomial_yield(203.5, 0.1, 3.0), rel=1e-15
    )
    assert bose_einstein_yield(814.0, 0.1, 3, critical_area_ratio=0.5) == pytest.approx(
        bose_einstein_yield(407.0, 0.1, 3), rel=1e-15
    )
    grid = poisson_yield(814.0, 0.1, critical_area_ratio=np.array([0.25, 0.5, 1.0]))
    np.testing.assert_allclose(grid, np.exp(-0.814 * np.array([0.25, 0.5, 1.0])), rtol=1e-15)


def test_new_models_scalar_and_array_types():
    for func in NEW_MODELS:
        assert type(func(np.float32(100), 1)) is float
        out = func(np.array([[100.0], [200.0]]), [0.1, 0.2, 0.3])
        assert isinstance(out, np.ndarray) and out.shape == (2, 3)
    assert type(bose_einstein_yield(100, 0.1, np.int64(2))) is float
    assert bose_einstein_yield([100.0, 200.0], 0.1, [[1], [2]]).shape == (2, 2)


ALL_AREA_D0 = [*NEW_MODELS, poisson_yield,
               lambda a, d, **kw: negative_binomial_yield(a, d, 3.0, **kw)]


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("func", ALL_AREA_D0)
def test_new_models_bad_area_d0(func, bad):
    with pytest.raises(ParameterError, match="^area_mm2 must be"):
        func(bad, 0.1)
    with pytest.raises(ParameterError, match="^d0 must be"):
        func(100.0, bad)
    with pytest.raises(ParameterError, match="^d0 must be"):
        func([100.0, 200.0], [0.1, bad])


@pytest.mark.parametrize("bad", [0.0, -0.5, 1.0000001, 2.0, float("nan"), float("inf"), "x", True])
@pytest.mark.parametrize("func", ALL_AREA_D0)
def test_bad_critical_area_ratio(func, bad):
    with pytest.raises(ParameterError, match=r"^critical_area_ratio must be .*\(0, 1\]"):
        func(100.0, 0.1, critical_area_ratio=bad)


def test_bad_critical_area_ratio_message_and_bose_einstein():
    with pytest.raises(ParameterError) as info:
        murphy_yield(100.0, 0.1, critical_area_ratio=[0.5, 1.5])
    assert str(info.value) == (
        "critical_area_ratio must be a finite number in (0, 1] "
        "(fraction of the die area that is critical), got 1.5"
    )
    with pytest.raises(ParameterError, match="^critical_area_ratio"):
        bose_einstein_yield(100.0, 0.1, 2, critical_area_ratio=0.0)


@pytest.mark.parametrize(
    ("bad", "shown"),
    [(0, "0"), (-3, "-3"), (2.5, "2.5"), (3.0, "3.0"), (True, "True"), ("2", "'2'"),
     ([1, 0], "0"), ([1.0, 2.5], "2.5"), (float("nan"), "nan")],
)
def test_bad_critical_layers(bad, shown):
    with pytest.raises(ParameterError) as info:
        bose_einstein_yield(100.0, 0.1, bad)
    assert str(info.value) == f"critical_layers must be an integer >= 1, got {shown}"


@pytest.mark.parametrize("bad", BAD)
def test_bose_einstein_bad_d0_per_layer(bad):
    with pytest.raises(ParameterError, match="^d0_per_layer must be"):
        bose_einstein_yield(100.0, bad, 2)
    with pytest.raises(ParameterError, match="^area_mm2 must be"):
        bose_einstein_yield(bad, 0.1, 2)


@pytest.mark.parametrize("func", NEW_MODELS)
def test_new_models_shapes_must_broadcast(func):
    with pytest.raises(ParameterError, match="broadcast"):
        func([1.0, 2.0], [1.0, 2.0, 3.0])
