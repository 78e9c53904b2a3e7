"""Reading a user's file safely: a regular file, of bounded size, read once.

The project reads three kinds of user file (yield parameter sets, link class
tables, traffic matrices); each goes through :func:`read_file`, so a FIFO, a
device such as ``/dev/zero``, a directory or a huge file gets the same one-line
error everywhere, and never a hang or a memory blow-up.
"""

from __future__ import annotations

import os
import stat
import tomllib

from .errors import ParameterError

__all__ = ["parse_toml", "read_file", "read_text_file"]


def _line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def read_file(path: str | os.PathLike, what: str, max_bytes: int, limit_name: str) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    The file is opened without blocking and checked with ``fstat`` on the open
    descriptor (so a FIFO, a device or a directory is refused before anything
    is read, and the file checked is the file read); at most ``max_bytes + 1``
    bytes are read, so a file growing meanwhile is refused too.

    Parameters
    ----------
    path : str or os.PathLike
    what : str
        What the file is, the subject of the messages ("link class file").
    max_bytes : int
        Largest file accepted.
    limit_name : str
        The constant holding ``max_bytes``, named in the message.

    Raises
    ------
    ParameterError
        One line, naming the file (escaped, whole): it does not exist, cannot
        be opened or read, is not a regular file, or is too large.

    Examples
    --------
    >>> read_file("/dev/zero", "traffic file", 100, "LIMIT")
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: traffic file must be a regular file, got '/dev/zero'
    """
    where = repr(os.fspath(path))  # whole (a cut path names no file), escaped to one line
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ParameterError(f"{what} must exist, got {where}") from None
    except (OSError, ValueError) as exc:  # ValueError: an embedded NUL
        raise ParameterError(f"{what} must be a readable file, got {where}: {_line(exc)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = " (a directory)" if stat.S_ISDIR(info.st_mode) else ""
            raise ParameterError(f"{what} must be a regular file, got {where}{kind}")
        too_big = f"{what} must be at most {max_bytes:,} bytes ({limit_name}), got {where}"
        if info.st_size > max_bytes:
            raise ParameterError(f"{too_big} of {info.st_size:,} bytes")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ParameterError(f"{too_big} (it grew while read)")
    except OSError as exc:
        raise ParameterError(f"{what} must be readable, got {where}: {_line(exc)}") from None
    finally:
        os.close(fd)
    return data


def read_text_file(path: str | os.PathLike, what: str, max_bytes: int, limit_name: str) -> str:
    """:func:`read_file`, decoded as UTF-8 (an error names the file otherwise).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.toml"
    >>> _ = f.write_bytes(b"x = 1\\n")
    >>> read_text_file(f, "parameter set file", 10, "LIMIT")
    'x = 1\\n'
    >>> read_text_file(f, "parameter set file", 3, "LIMIT")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: parameter set file must be at most 3 bytes (LIMIT), got '.../a.toml' of 6 bytes
    """
    data = read_file(path, what, max_bytes, limit_name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{what} must be UTF-8 text, got {repr(os.fspath(path))}: {_line(exc)}") from None


def parse_toml(text: str, what: str, where: str) -> dict:
    """The TOML document ``text`` of a user's file, or a one-line error naming it.

    Examples
    --------
    >>> parse_toml("a = 1", "link class file", "'x.toml'")
    {'a': 1}
    >>> parse_toml("a = ", "link class file", "'x.toml'")
    Traceback (most recent call last):
    ...
    paramcheck.errors.ParameterError: link class file must be valid TOML: Invalid value (at end of document) (in 'x.toml')
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{what} must be valid TOML: {_line(exc)} (in {where})") from None
    except RecursionError:  # tomllib recurses once per nesting level
        raise ParameterError(f"{what} must be valid TOML: arrays or tables nested too deeply (in {where})") from None
