"""The systems a wafer is compared with, read from TOML: GPUs with spare units, known-good-die tiles.

A system file (shipped in ``wafer/data/systems``, or a user's) holds::

    name = "H100-like"
    description = "..."
    [gpu]          # or [tile]: wafer.gpu.GpuSpec or wafer.tile.TileSpec fields
    [published]    # figures as their sources state them (numbers)
    [sources]      # figure = "where it comes from"
    [assumptions]  # estimate or modelling choice = "what and why"

Every key of the spec's table and of ``[published]`` has an entry in
``[sources]`` or ``[assumptions]`` (or both), as in the wafer presets
(:mod:`wafer.presets`); unknown keys are refused with a suggestion.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from paramcheck import ParameterError, check_real, parse_toml, read_text_file, shown, unknown_name

from .gpu import GpuSpec
from .presets import PRESET_FILE_MAX_BYTES, _build, _known_keys, _strings, _table
from .tile import TileSpec

__all__ = ["SYSTEMS", "SYSTEM_KINDS", "SystemFile", "load_system"]

#: The kinds of system a file may hold: its spec table's name -> spec class.
SYSTEM_KINDS = {"gpu": GpuSpec, "tile": TileSpec}
_TOP = ("name", "description", *SYSTEM_KINDS, "published", "sources", "assumptions")


@dataclass(frozen=True)
class SystemFile:
    """A system read from TOML: its spec and where each figure comes from.

    Attributes
    ----------
    kind : str
        A key of :data:`SYSTEM_KINDS` (``"gpu"`` or ``"tile"``).
    name, description : str
    spec : GpuSpec or TileSpec
    published : dict of str -> float
        Figures as their sources state them (checks and context).
    sources, assumptions : dict of str -> str
        Each figure's source; each estimate or modelling choice and its reasoning.
    path : str
    """

    kind: str
    name: str
    description: str
    spec: GpuSpec | TileSpec
    published: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    assumptions: dict = field(default_factory=dict)
    path: str = ""


def _shipped() -> dict[str, Path]:
    folder = resources.files(__package__) / "data" / "systems"
    return {e.name[: -len(".toml")]: Path(str(e)) for e in sorted(folder.iterdir(), key=lambda e: e.name)
            if e.name.endswith(".toml")}


#: Shipped systems: name -> file.
SYSTEMS: dict[str, Path] = _shipped()


def _system_from(data: dict, where: str, kind: str | None) -> SystemFile:
    _known_keys(data, _TOP, "", where)
    for key in ("name", "description"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ParameterError(f"{key} must be a non-empty string, got {shown(data.get(key))} (in {where})")
    kinds = [k for k in SYSTEM_KINDS if k in data]
    if len(kinds) != 1:
        raise ParameterError(f"a system file must hold exactly one of [{'], ['.join(SYSTEM_KINDS)}],"
                             f" got {len(kinds)} (in {where})")
    found = kinds[0]
    if kind is not None and found != kind:
        raise ParameterError(f"{kind} system must be a file with a [{kind}] table, got one with [{found}] (in {where})")
    values = _table(data, found, where)
    spec = _build(SYSTEM_KINDS[found], values, found, where)
    published = {}
    for key, value in _table(data, "published", where).items():
        try:
            published[key] = check_real(f"published.{key}", value)
        except ParameterError as exc:
            raise ParameterError(f"{exc} (in {where})") from None
    sources = _strings(_table(data, "sources", where), "sources", where)
    assumptions = _strings(_table(data, "assumptions", where), "assumptions", where)
    for key in [*values, *published]:
        if key not in sources and key not in assumptions:
            raise ParameterError(f"{key} must have an entry in [sources] or [assumptions] (in {where})")
    return SystemFile(kind=found, name=data["name"], description=data["description"], spec=spec,
                      published=published, sources=sources, assumptions=assumptions, path=where.strip("'"))


def load_system(name_or_path: str | os.PathLike[str], kind: str | None = None) -> SystemFile:
    """A shipped system by name (:data:`SYSTEMS`, case-insensitive), or a user's TOML file by path.

    Parameters
    ----------
    name_or_path : str or os.PathLike
    kind : str or None
        ``"gpu"`` or ``"tile"`` to require that kind; None takes either.

    Raises
    ------
    ParameterError
        On an unknown name, an unreadable or oversized file, bad TOML, an
        unknown key, a bad value, a file of the wrong kind, or a figure with
        neither source nor assumption; file errors end with ``(in '<file>')``.

    Examples
    --------
    >>> g = load_system("h100-like")
    >>> g.kind, g.name, g.spec.units, g.spec.needed, g.published["pcie_sms"]
    ('gpu', 'H100-like', 144, 132, 114.0)
    >>> load_system("dojo-like").spec.dies_per_tile
    25
    >>> load_system("dojo-like", kind="gpu")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: gpu system must be a file with a [gpu] table, got one with [tile] (in ...)
    >>> load_system("h100")
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: system must be one of 'dojo-like', 'h100-like', got 'h100' (did you mean 'h100-like'?)
    """
    if kind is not None and not (isinstance(kind, str) and kind in SYSTEM_KINDS):
        raise ParameterError(f"kind must be one of {', '.join(map(repr, SYSTEM_KINDS))} or None, got {shown(kind)}")
    what = f"{kind} system" if kind else "system"
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise ParameterError(f"{what} must be a name or the path of a TOML file, got {shown(name_or_path)}")
    text = os.fspath(name_or_path)
    if text.lower() in SYSTEMS:
        path = SYSTEMS[text.lower()]
    elif text.endswith(".toml") or os.sep in text or "/" in text:
        path = Path(text)
    else:
        raise unknown_name(what, text, SYSTEMS)
    where = repr(str(path))
    body = read_text_file(path, "system file", PRESET_FILE_MAX_BYTES, "PRESET_FILE_MAX_BYTES")
    return _system_from(parse_toml(body, "system file", where), where, kind)
