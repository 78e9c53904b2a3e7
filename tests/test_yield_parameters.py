"""Shipped parameter sets and the strict TOML loader."""

import dataclasses
from importlib import resources

import pytest

from yieldmodels import ParameterError
from yieldmodels.parameters import (
    Packaging,
    ParameterSet,
    ProcessNode,
    WaferDefaults,
    load_parameter_set,
    parameter_sets,
)

# Feng & Ma, "Chiplet Actuary", DAC 2022: defaults as listed in the issue and in
# the tool's parameter.ini (D0 per cm^2).
PUBLISHED_NODES = {"5nm": (0.11, 10.0), "7nm": (0.09, 10.0)}
PUBLISHED_PACKAGING = {
    # name: (bond yield, carrier D0, carrier alpha)
    "organic-substrate": (0.99, None, None),
    "info-rdl": (0.98, 0.05, 3.0),
    "si-interposer": (0.95, 0.06, 6.0),
}


def test_shipped_sets_listed():
    assert "chiplet-actuary" in parameter_sets()
    assert parameter_sets() == sorted(parameter_sets())


def test_chiplet_actuary_published_numbers():
    ps = load_parameter_set("chiplet-actuary")
    assert ps.name == "chiplet-actuary"
    assert "Feng" in ps.source and "Ma" in ps.source and "DAC 2022" in ps.source
    assert "Chiplet Actuary" in ps.source
    for name, (d0, alpha) in PUBLISHED_NODES.items():
        node = ps.node(name)
        assert (node.name, node.d0, node.alpha) == (name, d0, alpha)
    assert all(n.alpha == 10.0 for n in ps.nodes.values())  # one critical_level for logic
    for name, (b, d0, alpha) in PUBLISHED_PACKAGING.items():
        p = ps.packaging(name)
        assert (p.bond_yield, p.carrier_d0, p.carrier_alpha) == (b, d0, alpha)
        assert p.has_carrier == (d0 is not None)
    assert ps.packaging("info-rdl").carrier_area_factor == 1.2
    assert ps.packaging("si-interposer").carrier_area_factor == 1.1
    assert ps.packaging("organic-substrate").carrier_bond_yield == 1.0
    assert ps.packaging("si-interposer").carrier_bond_yield == 0.99
    assert ps.wafer == WaferDefaults(300.0, 0.2, 5.0, ps.wafer.source)
    for item in [*ps.nodes.values(), *ps.packagings.values(), ps.wafer]:
        assert item.source and "Chiplet Actuary" in item.source


def test_shipped_set_by_path_equals_by_name(tmp_path):
    entry = resources.files("yieldmodels").joinpath("data", "chiplet_actuary.toml")
    by_name = load_parameter_set("chiplet-actuary")
    with resources.as_file(entry) as path:
        assert load_parameter_set(path) == by_name
        assert load_parameter_set(str(path)) == by_name
    assert load_parameter_set("chiplet-actuary") is by_name  # cached


def test_results_are_immutable():
    ps = load_parameter_set("chiplet-actuary")
    with pytest.raises(dataclasses.FrozenInstanceError):
        ps.node("5nm").d0 = 0.2
    with pytest.raises(TypeError):
        ps.nodes["5nm"] = ProcessNode("5nm", 0.2, 10.0)
    hash(ps)


def test_unknown_set_name_suggests_close_one():
    with pytest.raises(ParameterError) as info:
        load_parameter_set("chiplet-actuarry")
    msg = str(info.value)
    assert "did you mean 'chiplet-actuary'" in msg and "'chiplet-actuarry'" in msg
    with pytest.raises(ParameterError) as info:
        load_parameter_set("zzzz")
    assert "did you mean" not in str(info.value) and "parameter set must be one of" in str(info.value)


def test_unknown_node_and_packaging_suggest():
    ps = load_parameter_set("chiplet-actuary")
    with pytest.raises(ParameterError, match="node must be one of .* got '5NM' \\(did you mean '5nm'\\?\\)"):
        ps.node("5NM")
    with pytest.raises(ParameterError, match="did you mean 'info-rdl'"):
        ps.packaging("info_rdl")


def test_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="parameter set file must exist"):
        load_parameter_set(tmp_path / "nope.toml")


GOOD = """
name = "mine"
source = "me, 2025"
[wafer]
scribe_mm = 0.1
[nodes.n3]
d0 = 0.2
alpha = 2
[packagings.bridge]
bond_yield = 0.97
carrier_d0 = 0.1
carrier_alpha = 4.0
"""


def write(tmp_path, text, name="set.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_defaults(tmp_path):
    path = write(tmp_path, GOOD)
    ps = load_parameter_set(path)
    assert ps.name == "mine" and ps.path == str(path)
    n = ps.node("n3")
    assert (n.d0, n.alpha, n.source) == (0.2, 2.0, "me, 2025")  # int alpha -> float; source inherited
    assert isinstance(n.alpha, float)
    p = ps.packaging("bridge")
    assert (p.carrier_area_factor, p.carrier_bond_yield) == (None, 1.0)
    assert ps.wafer == WaferDefaults(300.0, 0.1, 0.0, "me, 2025")
    minimal = load_parameter_set(write(tmp_path, 'name = "x"\nsource = "y"\n', "min.toml"))
    assert minimal.nodes == {} and minimal.packagings == {} and minimal.wafer is None


BAD = [
    # (replace this, with this, key the message must name)
    ("alpha = 2\n", "alpha = 2\ncolour = 1\n", "nodes.n3.colour is not a known key"),
    ('source = "me, 2025"\n', 'source = "me, 2025"\nversion = 2\n', "version is not a known key"),
    ("scribe_mm = 0.1", "scribe = 0.1", "wafer.scribe is not a known key"),
    ("bond_yield = 0.97", "bond_yeild = 0.97", "bond_yeild is not a known key; allowed in packagings.bridge: "),
    ("bond_yield = 0.97", "bond_yeild = 0.97", "(did you mean 'bond_yield'?)"),
    ("d0 = 0.2", "d0 = -0.2", "nodes.n3.d0 must be a finite number >= 0"),
    ("d0 = 0.2", 'd0 = "0.2"', "nodes.n3.d0 must be a finite number >= 0"),
    ("d0 = 0.2", "d0 = true", "nodes.n3.d0 must be a finite number >= 0"),
    ("d0 = 0.2", "d0 = nan", "nodes.n3.d0 must be a finite number >= 0"),
    ("alpha = 2\n", "alpha = 0\n", "nodes.n3.alpha must be a finite number > 0"),
    ("d0 = 0.2\n", "", "nodes.n3.d0 is required"),
    ("bond_yield = 0.97", "bond_yield = 1.2", "packagings.bridge.bond_yield must be a finite number in [0, 1], got 1.2"),
    ("bond_yield = 0.97", "bond_yield = -0.5", "packagings.bridge.bond_yield"),
    ("bond_yield = 0.97\n", "", "packagings.bridge.bond_yield is required"),
    ("carrier_alpha = 4.0\n", "", "packagings.bridge.carrier_alpha must be given together with"),
    ("carrier_d0 = 0.1", "carrier_d0 = -1", "packagings.bridge.carrier_d0 must be a finite number >= 0"),
    ("carrier_alpha = 4.0", "carrier_alpha = 4.0\ncarrier_bond_yield = 2", "packagings.bridge.carrier_bond_yield"),
    ("carrier_alpha = 4.0", "carrier_alpha = 4.0\ncarrier_area_factor = 0", "packagings.bridge.carrier_area_factor"),
    ("scribe_mm = 0.1", "edge_exclusion_mm = 150", "wafer.edge_exclusion_mm must be < wafer.diameter_mm / 2"),
    ('name = "mine"\n', "", "name is required"),
    ('name = "mine"', "name = 3", "name must be a string"),
    ("[nodes.n3]", "[nodes]\nn3 = 1\n[nodes.n4]", "nodes.n3 must be a table"),
]


@pytest.mark.parametrize("old, new, expected", BAD)
def test_bad_files_name_key_and_file(tmp_path, old, new, expected):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ParameterError) as info:
        load_parameter_set(path)
    msg = str(info.value)
    assert expected in msg
    assert msg.endswith(f"(in {path})")
    assert "\n" not in msg


def test_table_of_wrong_type(tmp_path):
    path = write(tmp_path, 'name = "x"\nsource = "y"\nnodes = 3\n')
    with pytest.raises(ParameterError, match="nodes must be a table, got 3"):
        load_parameter_set(path)
    path = write(tmp_path, 'name = "x"\nsource = "y"\npackagings = ["a"]\n')
    with pytest.raises(ParameterError, match="packagings must be a table"):
        load_parameter_set(path)


def test_malformed_toml(tmp_path):
    path = write(tmp_path, GOOD.replace("d0 = 0.2", "d0 = = 0.2"))
    with pytest.raises(ParameterError) as info:
        load_parameter_set(path)
    msg = str(info.value)
    assert msg.startswith("parameter file must be valid TOML") and str(path) in msg
    assert "\n" not in msg


def test_dataclasses_validate_directly():
    with pytest.raises(ParameterError, match="d0"):
        ProcessNode("x", -0.1, 10.0)
    with pytest.raises(ParameterError, match="bond_yield"):
        Packaging("x", 1.01, None, None)
    with pytest.raises(ParameterError, match="carrier_alpha must be given together with carrier_d0"):
        Packaging("x", 0.9, 0.1, None)
    with pytest.raises(ParameterError, match="nodes must be a mapping"):
        ParameterSet("x", "y", {"a": 1})
    with pytest.raises(ParameterError, match="edge_exclusion_mm"):
        WaferDefaults(300.0, 0.0, 200.0)
