"""Fuzzing the command line: every malformed command gets one line, naming the flag, and status 2.

Hypothesis builds malformed ``wafer study`` and ``wafer yield`` command lines
(one option made bad: junk text, non-finite or out-of-range numbers,
integers beyond 64 bits, a missing value, a mistyped flag, a switch given a
value) and malformed parameter-set files (bad values, unknown or missing
keys, broken TOML, binary junk, a file too large, a device). Each must end
with status 2, nothing on stdout, one line on stderr that names the flag as
the user typed it (and, for a file, the key and the file), no traceback and
no field name of the Python API; and the working directory must be left as
it was.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wafer.cli import STUDY_OPTIONS, YIELD_OPTIONS, main

#: A small wafer (14 x 24 cores in segments of 6 with one spare, 2 x 2 dies of 2.5 mm): a valid run takes a moment.
SMALL = ["--core-rows", "14", "--core-cols", "24", "--segment-width", "6", "--spares", "1", "--max-skew", "1",
         "--dies", "2x2", "--die-width", "5", "--die-height", "5", "--trials", "2", "--quiet"]
YIELD_BASE = ["--area", "100", "--units", "10", "--needed", "5"]

#: Valid ranges of the numeric options: (int or real, low, high, low is open).
RANGES = {
    "--trials": ("int", 1, 10_000_000, False), "--seed": ("int", 0, 2**63 - 1, False),
    "--chunk-size": ("int", 1, 100_000, False), "--d0": ("real", 0, 4e6, False),
    "--alpha": ("real", 0, None, True), "--radial-edge-excess": ("real", -1, None, False),
    "--radial-power": ("real", 0, None, True), "--router-fraction": ("real", 0, 1, False),
    "--link-fraction": ("real", 0, 1, False), "--wafer-diameter": ("real", 10, None, True),
    "--die-width": ("real", 0, None, True), "--die-height": ("real", 0, None, True),
    "--spares": ("int", 0, 5, False), "--max-skew": ("int", 0, 2**63 - 1, False),
    "--bridge-margin": ("int", 0, 2**24, False), "--test-coverage": ("real", 0, 1, False),
    "--d2d-gbps-per-mm": ("real", 0, None, True), "--d2d-latency-ns": ("real", 0, None, False),
    "--link-bits": ("int", 1, 4096, False), "--clock-ghz": ("real", 0, None, True),
    "--scribe": ("real", 0, None, False), "--edge-exclusion": ("real", 0, 150, False),
}
YIELD_RANGES = {
    "--area": ("real", 0, None, True), "--die-width": ("real", 0, None, True),
    "--die-height": ("real", 0, None, True), "--d0": ("real", 0, None, False),
    "--alpha": ("real", 0, None, True), "--critical-layers": ("int", 1, 2**63 - 1, False),
    "--critical-area-ratio": ("real", 0, 1, True), "--wafer-diameter": ("real", 0, None, True),
    "--scribe": ("real", 0, None, False), "--edge-exclusion": ("real", 0, 150, False),
    "--units": ("int", 1, None, False), "--needed": ("int", 1, 10, False),
    "--shared-area": ("real", 0, 100, False),
}

#: Bad values that depend on the rest of the command line (SMALL), by flag.
CONTEXT = {
    "--core-rows": ["13", "15", "0", "-14", "16777217"],   # 2 dies must tile the rows
    "--core-cols": ["25", "20", "0", "16777217"],           # segments of 6, 2 dies
    "--segment-width": ["5", "7", "25", "0"],
    "--dies": ["0x2", "2x0", "5x2", "2", "2x2x2", "axb", "-2x-2", "x", "", "5x7"],
    "--clustering": ["reticles", "Wafer", "", "poisson"],
    "--scheme": ["shift", "spare-rows", "", "SHIFT-TO-SPARE"],
    "--packaging": ["info", "organic", "", "chiplet-actuary"],
    "--parameter-set": ["nope", "chiplet-actuar", "/no/such/file.toml", "/dev/zero", "/", "x.toml"],
    "--wafer-diameter": ["5", "7", "10"],
    "--die-width": ["400", "310"],
}

#: Words of that alphabet that are valid values (--axis of shift-to-spare and harvest).
VALID_WORDS = {"rows"}
#: Junk that parses as no number and names nothing (letters no float spelling uses).
JUNK = st.text(alphabet="ghjklmopqrsuvwz!@#%^&*()[]{}<>?|~`;:'\"", min_size=1, max_size=12).filter(
    lambda s: s not in VALID_WORDS)


def _out_of_range(kind: str, lo, hi, lo_open: bool) -> st.SearchStrategy[str]:
    if kind == "int":
        below = st.integers(max_value=lo - 1)
        above = st.integers(min_value=(hi if hi is not None else 2**63 - 1) + 1)
        return st.one_of(below, above, st.floats(allow_nan=False, allow_infinity=False).filter(
            lambda x: x != int(x))).map(str)
    below = st.floats(max_value=lo, exclude_max=not lo_open, allow_nan=False, allow_infinity=False)
    options = [below]
    if hi is not None:
        options.append(st.floats(min_value=hi, exclude_min=True, allow_nan=False, allow_infinity=False))
    return st.one_of(*options).map(repr)


NON_FINITE = st.sampled_from(["nan", "inf", "-inf", "1e400", "-1e999", "NaN", "infinity"])


def _bad_value(flag: str, ranges: dict, context: dict) -> st.SearchStrategy[str]:
    choices = [JUNK]
    if flag in ranges:
        choices += [_out_of_range(*ranges[flag]), NON_FINITE]
    if flag in context:
        choices.append(st.sampled_from(context[flag]))
    return st.one_of(*choices)


def _malformed(options, ranges: dict, context: dict) -> st.SearchStrategy[tuple[list[str], str]]:
    """(extra arguments, the flag the error must name)."""
    valued = [o.flag for o in options if o.switch is None]
    switches = [o.flag for o in options if o.switch is not None]
    one_bad = st.sampled_from(valued).flatmap(
        lambda f: _bad_value(f, ranges, context).map(lambda v: ([f, v] if not v.startswith("-") or
                                                                 v[1:2].isdigit() or v[1:2] == "."
                                                                 else [f"{f}={v}"], f)))
    missing = st.sampled_from(valued).map(lambda f: ([f], f))
    typo = st.sampled_from(valued + switches).flatmap(
        lambda f: st.sampled_from(["x", "s", "-", "_2"]).map(lambda t: ([f + t, "1"], f + t)))
    switch_value = st.sampled_from(switches).map(lambda f: ([f"{f}=yes"], f))
    return st.one_of(one_bad, one_bad, one_bad, missing, typo, switch_value)


FIELD_NAMES = {f for o in (*STUDY_OPTIONS, *YIELD_OPTIONS) for f in o.fields if "_" in f}


def _check(argv: list[str], flag: str, capsys, cwd: Path) -> str:
    before = sorted(cwd.iterdir())
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2, (argv, out[:200], err)
    assert out == "", argv
    lines = err.splitlines()
    assert len(lines) == 1, (argv, err)
    assert lines[0].startswith("wafer") and "error:" in lines[0], err
    assert flag in lines[0], (argv, err)
    assert "Traceback" not in err
    leaked = [f for f in FIELD_NAMES if re.search(rf"(?<![\w.-]){f}(?![\w-])", lines[0])]
    assert not leaked, (argv, err)
    assert sorted(cwd.iterdir()) == before, "the working directory changed"
    return lines[0]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results.json").write_text("{}")  # results already written stay as they are
    return tmp_path


_FUZZ = settings(max_examples=700, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_FUZZ
@given(_malformed(STUDY_OPTIONS, RANGES, CONTEXT))
def test_malformed_study_command_lines(workdir, capsys, case):
    extra, flag = case
    _check(["study", *SMALL, *extra], flag, capsys, workdir)
    assert (workdir / "results.json").read_text() == "{}"


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_malformed(YIELD_OPTIONS, YIELD_RANGES, {}))
def test_malformed_yield_command_lines(workdir, capsys, case):
    extra, flag = case
    _check(["yield", *YIELD_BASE, *extra], flag, capsys, workdir)


# ------------------------------------------------------------ parameter files

SHIPPED = Path(__file__).resolve().parents[1] / "yield" / "data" / "chiplet_actuary.toml"


def _numbers(text: str) -> list[tuple[int, int]]:
    """Spans of the numeric values in a TOML text (after ``key = ``)."""
    return [m.span(1) for m in re.finditer(r"^\s*\w+\s*=\s*([-+0-9.e]+)\s*$", text, re.M)]


@st.composite
def malformed_files(draw) -> tuple[bytes, str]:
    """(file content, text the error must contain besides --parameter-set)."""
    text = SHIPPED.read_text()
    how = draw(st.sampled_from(["value", "unknown key", "missing key", "syntax", "binary", "empty"]))
    if how == "value":
        lo, hi = draw(st.sampled_from(_numbers(text)))
        bad = draw(st.sampled_from(['"0.9"', "-1.0", "nan", "inf", "true", "[1, 2]", "1e400", "{a = 1}"]))
        key = re.findall(r"(\w+)\s*=\s*$", text[:lo])[-1]
        return (text[:lo] + bad + text[hi:]).encode(), key
    if how == "unknown key":
        key = draw(st.sampled_from(["bond_yeild", "d_0", "colour", "alpha2"]))
        section = draw(st.sampled_from(["[packagings.organic-substrate]", "[nodes.5nm]", "[wafer]"]))
        return text.replace(section, f"{section}\n{key} = 1.0", 1).encode(), key
    if how == "missing key":
        key = draw(st.sampled_from(["bond_yield", "name", "source"]))
        return re.sub(rf"^{key}\s*=.*$", "", text, count=1, flags=re.M).encode(), key
    if how == "syntax":
        junk = draw(st.sampled_from(["[[[", "= 3", "a = ", 'x = "unterminated', "[nodes.5nm]\n[nodes.5nm]"]))
        return (text + "\n" + junk + "\n").encode(), "TOML"
    if how == "binary":
        return draw(st.binary(min_size=1, max_size=64).map(lambda b: b"\xff\xfe" + b)), "UTF-8"
    return b"", "name"


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(malformed_files())
def test_malformed_parameter_files(workdir, capsys, case):
    content, expect = case
    path = workdir / "set.toml"
    path.write_bytes(content)
    line = _check(["study", *SMALL, "--parameter-set", str(path)], "--parameter-set", capsys, workdir)
    assert expect in line and str(path) in line, line
    assert path.read_bytes() == content


def test_parameter_file_too_large_is_refused_unread(workdir, capsys):
    """A valid set padded past the 1 MiB cap: refused for its size alone."""
    path = workdir / "huge.toml"
    path.write_bytes(SHIPPED.read_bytes() + b"# " + b"x" * (2 << 20) + b"\n")
    line = _check(["study", *SMALL, "--parameter-set", str(path)], "--parameter-set", capsys, workdir)
    assert "huge.toml" in line and "1,048,576" in line
