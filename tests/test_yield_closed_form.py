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
