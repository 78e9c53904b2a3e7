"""The project's one error type and the input checks that raise it.

:mod:`yieldmodels`, :mod:`routing` and :mod:`wafer` all validate their inputs
with these checks, so every bad parameter anywhere in the project raises the
same :class:`ParameterError` (a ``ValueError``) with a message worded the same
way: the parameter's name, what is allowed, and the bad value::

    d0 must be a finite number >= 0 (defects per cm^2), got -1.0
    trials must be an integer in [1, 10,000,000], got 0
    scheme must be one of 'shift-to-spare', got 'shift-to-spar' (did you mean 'shift-to-spare'?)

It imports nothing of the project (the three packages stand on it; it stands
on numpy alone).

Examples
--------
>>> from paramcheck import ParameterError, check_positive
>>> try:
...     check_positive("die_width_mm", float("nan"), "mm")
... except ParameterError as exc:
...     print(exc)
die_width_mm must be a finite number > 0 (mm), got nan
"""

from .checks import (
    INT64_MAX,
    check_bool,
    check_ids,
    check_instance,
    check_int,
    check_int_array,
    check_nonnegative,
    check_positive,
    check_probability,
    check_real,
    check_real_array,
    check_str,
    shown,
)
from .errors import ParameterError
from .files import parse_toml, read_file, read_text_file
from .names import check_choice, did_you_mean, unknown_name

__all__ = [
    "INT64_MAX",
    "ParameterError",
    "check_bool",
    "check_choice",
    "check_ids",
    "check_instance",
    "check_int",
    "check_int_array",
    "check_nonnegative",
    "check_positive",
    "check_probability",
    "check_real",
    "check_real_array",
    "check_str",
    "shown",
    "did_you_mean",
    "parse_toml",
    "read_file",
    "read_text_file",
    "unknown_name",
]
