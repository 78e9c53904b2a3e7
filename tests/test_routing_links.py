"""Link classes: the shipped figures and their arithmetic, the table, overrides, TOML files, bad input."""

from __future__ import annotations

import dataclasses
import math
import os

import pytest
from bad_input import Case, sweep
from hypothesis import given
from hypothesis import strategies as st

import routing.links as links
from paramcheck import ParameterError
from routing.links import (
    LINK_CLASS_FILE_MAX_BYTES, LINK_CLASSES, MAX_LINK_CLASSES, LinkClass, LinkClassTable, get_link_class,
    load_link_classes,
)

MESH = get_link_class("mesh")
NUMBERS = ("bandwidth_bits_per_cycle", "clock_ghz", "latency_cycles", "energy_pj_per_bit",
           "router_delay_cycles", "router_energy_pj_per_bit")
VALID = {"name": "wide", "bandwidth_bits_per_cycle": 64, "clock_ghz": 2.0, "latency_cycles": 1,
         "energy_pj_per_bit": 0.1, "router_delay_cycles": 1, "router_energy_pj_per_bit": 0.05}


def one_line_error(func, *args, match: str | None = None) -> str:
    """The message of the ParameterError ``func(*args)`` raises, checked to be one line."""
    with pytest.raises(ParameterError, match=match) as info:
        func(*args)
    message = str(info.value)
    assert message and "\n" not in message
    return message


# --------------------------------------------------------------------------
# The shipped classes


def test_shipped_classes_are_named_sourced_and_share_one_clock():
    assert LINK_CLASSES.names == ("mesh", "bypass", "d2d-standard", "d2d-advanced", "off-package", "optics")
    assert all(c.source for c in LINK_CLASSES.classes)
    assert {c.clock_ghz for c in LINK_CLASSES.classes} == {1.1}


def test_conversions_worked_by_hand():
    # mesh: 32 bits/cycle at 1.1 GHz = 35.2 Gb/s = 4.4 GB/s; one hop = 0 + 1 cycle.
    assert MESH.bandwidth_gbytes_per_s == pytest.approx(32 * 1.1 / 8) == pytest.approx(4.4)
    assert MESH.latency_cycles + MESH.router_delay_cycles == 1.0 and MESH.latency_ns == 0.0
    # UCIe standard: 224 GB/s/mm both ways -> 112 one way, times a 0.22 mm pitch.
    std = get_link_class("d2d-standard")
    assert std.bandwidth_gbytes_per_s == pytest.approx(112 * 0.22) == pytest.approx(24.64)
    assert std.bandwidth_bits_per_cycle == pytest.approx(24.64e9 * 8 / 1.1e9) == pytest.approx(179.2)
    assert std.latency_ns == pytest.approx(2.0) and std.latency_cycles == pytest.approx(2.2)
    assert std.energy_pj_per_bit == 0.5
    adv = get_link_class("d2d-advanced")
    assert adv.bandwidth_gbytes_per_s == pytest.approx(1300 / 2 * 0.22) == pytest.approx(143.0)
    assert adv.energy_pj_per_bit == 0.25 and adv.latency_ns == pytest.approx(2.0)
    c2c = get_link_class("off-package")
    assert c2c.bandwidth_gbytes_per_s == pytest.approx(900 / 2) and c2c.energy_pj_per_bit == 1.3
    assert c2c.latency_ns == pytest.approx(5.0)
    optics = get_link_class("optics")
    assert optics.bandwidth_gbytes_per_s == pytest.approx(4e12 / 2 / 8 / 1e9)   # 4 Tb/s both ways
    assert optics.latency_ns == pytest.approx(5 + 5 + 5) and optics.energy_pj_per_bit == 5.0
    # The bypass link is a mesh link sqrt(2) pitches long.
    assert get_link_class("bypass").energy_pj_per_bit == pytest.approx(math.sqrt(2) * MESH.energy_pj_per_bit, rel=0.01)


@given(st.floats(1e-3, 1e6), st.floats(1e-3, 1e3), st.floats(0, 1e6))
def test_gbytes_and_ns_follow_from_bits_cycles_and_the_clock(bits, ghz, cycles):
    c = LinkClass("x", bits, ghz, cycles, 0.0, 0.0, 0.0)
    assert c.bandwidth_gbytes_per_s == pytest.approx(bits * ghz / 8)
    assert c.latency_ns == pytest.approx(cycles / ghz)


def test_values_are_stored_as_floats_and_zero_cost_is_allowed():
    import numpy as np

    c = LinkClass("free", np.int64(8), 1, 0, 0, 0, 0)
    assert all(type(getattr(c, f)) is float for f in NUMBERS)
    assert c.latency_ns == 0.0 and c.source == ""


@pytest.mark.parametrize("field", NUMBERS)
@pytest.mark.parametrize("bad", [math.nan, -1.0, math.inf, "1", True, None])
def test_every_field_is_checked_and_named(field, bad):
    message = one_line_error(lambda: LinkClass(**{**VALID, field: bad}))
    assert message.startswith(f"{field} must be a finite number")


def test_bandwidth_and_clock_must_be_positive():
    for field in ("bandwidth_bits_per_cycle", "clock_ghz"):
        one_line_error(lambda: LinkClass(**{**VALID, field: 0}), match=f"^{field} must be a finite number > 0")


def test_a_link_class_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        MESH.clock_ghz = 2.0


def test_unknown_names_get_a_did_you_mean():
    assert one_line_error(get_link_class, "mseh").endswith("got 'mseh' (did you mean 'mesh'?)")
    assert "did you mean 'd2d-standard' or 'd2d-advanced'?" in one_line_error(get_link_class, "d2d")
    assert "did you mean 'optics'?" in one_line_error(get_link_class, "optic")


# --------------------------------------------------------------------------
# The table


def test_table_lookups():
    t = LinkClassTable((MESH, get_link_class("optics")))
    assert t.names == ("mesh", "optics") and len(t) == 2 and t.index("optics") == 1
    assert t["mesh"] is MESH
    assert "mesh" in t and "bypass" not in t and 3 not in t and ["mesh"] not in t
    assert repr(t) == "LinkClassTable(mesh, optics)"
    assert t == LinkClassTable([MESH, get_link_class("optics")]) and hash(t) == hash(LinkClassTable((MESH, t["optics"])))
    assert t != LINK_CLASSES and t != "mesh"
    with pytest.raises(AttributeError):
        t.classes = ()


def test_table_refuses_duplicate_names_and_too_many_classes():
    one_line_error(LinkClassTable, [MESH, MESH], match="^classes must have distinct names, got 'mesh' twice$")
    many = [dataclasses.replace(MESH, name=f"c{i}") for i in range(MAX_LINK_CLASSES + 1)]
    assert len(LinkClassTable(many[:-1])) == MAX_LINK_CLASSES
    one_line_error(LinkClassTable, many, match=r"MAX_LINK_CLASSES")


def test_overrides_change_only_what_they_name():
    t = LINK_CLASSES.with_overrides({"d2d-standard": {"energy_pj_per_bit": 0.6, "source": "HotI 2025"},
                                     "mesh": {"clock_ghz": 1}})
    assert t.names == LINK_CLASSES.names
    assert t["d2d-standard"] == dataclasses.replace(get_link_class("d2d-standard"), energy_pj_per_bit=0.6,
                                                    source="HotI 2025")
    assert t["mesh"].clock_ghz == 1.0 and t["mesh"].bandwidth_gbytes_per_s == 4.0
    assert t["optics"] is LINK_CLASSES["optics"]
    assert LINK_CLASSES["d2d-standard"].energy_pj_per_bit == 0.5      # the shipped table is untouched
    assert LINK_CLASSES.with_overrides({}) == LINK_CLASSES


def test_override_errors_name_the_class_and_key():
    over = LINK_CLASSES.with_overrides
    assert one_line_error(over, {"d2d-standart": {}}).endswith("(did you mean 'd2d-standard'?)")
    message = one_line_error(over, {"mesh": {"energy_pj_per_bi": 1.0}})
    assert message.startswith("mesh.energy_pj_per_bi is not a known key; allowed in [mesh]: bandwidth_bits_per_cycle")
    assert message.endswith("(did you mean 'energy_pj_per_bit'?)")
    one_line_error(over, {"mesh": {"name": "m"}}, match="^mesh.name is not a known key")
    one_line_error(over, {"mesh": {"energy_pj_per_bit": math.nan}},
                   match=r"^mesh\.energy_pj_per_bit must be a finite number >= 0 \(pJ/bit\), got nan$")
    one_line_error(over, {"optics": {"latency_cycles": -1}}, match=r"^optics\.latency_cycles must .* got -1\.0$")
    one_line_error(over, {"mesh": 3}, match="^mesh must be a table of values to override, got 3$")
    one_line_error(over, {"mesh": {"a\nb": 1}}, match=r"^mesh\.'a\\nb' is not a known key")


# --------------------------------------------------------------------------
# TOML files


def write(tmp_path, text: str | bytes, name: str = "links.toml"):
    path = tmp_path / name
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


def test_a_file_overrides_the_shipped_classes(tmp_path):
    path = write(tmp_path, '[d2d-standard]\nenergy_pj_per_bit = 0.6\n\n[optics]\nlatency_cycles = 22\n')
    t = load_link_classes(path)
    assert t == LINK_CLASSES.with_overrides({"d2d-standard": {"energy_pj_per_bit": 0.6},
                                             "optics": {"latency_cycles": 22}})
    assert load_link_classes(str(path)) == t
    assert load_link_classes(write(tmp_path, "")) == LINK_CLASSES


@pytest.mark.parametrize("text, pattern", [
    ('[d2d-standard]\nenergy_pj_per_bi = 0.6\n',
     r"^d2d-standard\.energy_pj_per_bi is not a known key; .* \(did you mean 'energy_pj_per_bit'\?\) \(in '.*links\.toml'\)$"),
    ('[d2d-standart]\nenergy_pj_per_bit = 0.6\n', r"^link class must be one of .*got 'd2d-standart' \(did you mean 'd2d-standard'\?\) \(in '.*'\)$"),
    ('[mesh]\nenergy_pj_per_bit = nan\n', r"^mesh\.energy_pj_per_bit must be a finite number >= 0 \(pJ/bit\), got nan \(in '.*'\)$"),
    ('[mesh]\nenergy_pj_per_bit = inf\n', r"^mesh\.energy_pj_per_bit must .* got inf \(in"),
    ('[mesh]\nclock_ghz = -1.1\n', r"^mesh\.clock_ghz must be a finite number > 0 \(GHz\), got -1\.1 \(in"),
    ('[mesh]\nclock_ghz = "fast"\n', r"^mesh\.clock_ghz must be a finite number > 0 \(GHz\), got 'fast' \(in"),
    ('[mesh]\nclock_ghz = true\n', r"^mesh\.clock_ghz must .* got True \(in"),
    ('[mesh]\nsource = 3\n', r"^mesh\.source must be a string, got 3 \(in"),
    ('mesh = 3\n', r"^mesh must be a table of values to override, got 3 \(in"),
    ('[mesh\nclock_ghz = 1\n', r"^link class file must be valid TOML: .* \(in '.*'\)$"),
    ('[mesh]\nclock_ghz = 1\nclock_ghz = 2\n', r"^link class file must be valid TOML"),
    ("a = " + "[" * 30000, r"^link class file must be valid TOML"),
])
def test_file_errors_name_the_file_the_table_and_the_key(tmp_path, text, pattern):
    one_line_error(load_link_classes, write(tmp_path, text), match=pattern)


def test_files_are_limited_in_size(tmp_path):
    line = "# " + "x" * 60 + "\n"
    body = "[mesh]\nclock_ghz = 1.0\n"
    fill = line * ((LINK_CLASS_FILE_MAX_BYTES - len(body)) // len(line))
    at_limit = body + fill + "#" * (LINK_CLASS_FILE_MAX_BYTES - len(body) - len(fill) - 1) + "\n"
    assert len(at_limit.encode()) == LINK_CLASS_FILE_MAX_BYTES
    assert load_link_classes(write(tmp_path, at_limit))["mesh"].clock_ghz == 1.0
    one_line_error(load_link_classes, write(tmp_path, at_limit + "\n"),
                   match=r"^link class file must be at most 65,536 bytes \(LINK_CLASS_FILE_MAX_BYTES\), got '.*'")


def test_only_readable_regular_utf8_files_are_read(tmp_path):
    one_line_error(load_link_classes, tmp_path / "missing.toml", match="^link class file must exist, got '.*missing.toml'$")
    one_line_error(load_link_classes, tmp_path, match=r"^link class file must be a regular file, got '.*' \(a directory\)$")
    one_line_error(load_link_classes, "/dev/zero", match="^link class file must be a regular file")
    one_line_error(load_link_classes, write(tmp_path, b"[mesh]\nsource = '\xff'\n"), match="^link class file must be UTF-8 text")
    one_line_error(load_link_classes, "a\0b.toml", match="^link class file must be a readable file")
    one_line_error(load_link_classes, tmp_path / "line\nbreak.toml", match=r"^link class file must exist, got '.*line\\nbreak.toml'$")
    if hasattr(os, "mkfifo"):      # a FIFO with no writer must not block
        os.mkfifo(tmp_path / "fifo.toml")
        one_line_error(load_link_classes, tmp_path / "fifo.toml", match="^link class file must be a regular file")


@pytest.mark.parametrize("bad", [3, None, b"links.toml", ["links.toml"]])
def test_a_path_must_be_a_path(bad):
    one_line_error(load_link_classes, bad, match="^path must be the path of a TOML file")


# --------------------------------------------------------------------------
# Bad input to every public callable (the project's sweep)

NOT_OVERRIDES = [
    3, None, "mesh", ["mesh"], {"mseh": {}}, {3: {}}, {"mesh": 3}, {"mesh": {"bandwidth": 1}}, {"mesh": {"name": "m"}},
    {"mesh": {3: 1}}, {"mesh": {"clock_ghz": math.nan}}, {"mesh": {"clock_ghz": -1}}, {"mesh": {"clock_ghz": 0}},
    {"mesh": {"latency_cycles": math.inf}}, {"mesh": {"energy_pj_per_bit": True}}, {"mesh": {"source": 3}},
]

CASES = [
    Case(LinkClass, kwargs={**VALID, "source": "s"}, kinds={
        "name": ["", 3, None, b"x", ["a"], "a\nb"],
        "bandwidth_bits_per_cycle": "positive", "clock_ghz": "positive",
        "latency_cycles": "nonnegative", "energy_pj_per_bit": "nonnegative",
        "router_delay_cycles": "nonnegative", "router_energy_pj_per_bit": "nonnegative",
        "source": [3, None, b"x", ["s"]],
    }),
    Case(LinkClassTable, ([MESH],), kinds={
        0: [None, 3, "mesh", [], [1], [MESH, MESH], {MESH}, (MESH, "bypass"), [MESH] * (MAX_LINK_CLASSES + 1)],
    }),
    Case(LINK_CLASSES.with_overrides, ({"mesh": {"clock_ghz": 1.0}},), kinds={0: NOT_OVERRIDES}),
    Case(LINK_CLASSES.index, ("mesh",), kinds={0: "name"}),
    Case(LINK_CLASSES.__getitem__, ("mesh",), kinds={0: "name"}),
    Case(get_link_class, ("mesh",), kinds={0: "name"}),
]

EXEMPT = {
    "LINK_CLASSES": "the shipped table (a value)",
    "LINK_CLASS_FILE_MAX_BYTES": "a limit (constant)",
    "MAX_LINK_CLASSES": "a limit (constant)",
    "load_link_classes": "reads a file: its bad inputs need tmp_path and are tested one by one above",
}

(test_every_public_callable_has_a_case, test_the_valid_call_of_each_case_succeeds,
 test_bad_values_raise_the_project_error,
 test_every_bad_value_raises_the_project_error) = sweep(links, CASES, EXEMPT)

