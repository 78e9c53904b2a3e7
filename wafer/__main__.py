"""``python -m wafer`` and the ``wafer`` command."""

import os
import signal
import sys

from ._exit import EXIT_INTERRUPTED, INTERRUPTED


def _exit_interrupted() -> None:
    """End after Ctrl-C with status 130, whatever CPython noted.

    A Ctrl-C that lands while a compiled extension runs Python code of its own
    at import (Cython modules do) leaves CPython marked as interrupted even
    once the KeyboardInterrupt is handled, and at exit it then kills itself
    with SIGINT instead of returning the status; so flush and leave at once.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(EXIT_INTERRUPTED)


def _on_interrupt(signum, frame) -> None:
    """Ctrl-C: one line, status 130, at once.

    Raising KeyboardInterrupt is not enough: one that lands in a ctypes
    callback (numba's compiler calls back into Python) is printed and
    swallowed there, and the study would go on. A study writes nothing until
    it has finished, so leaving at once loses nothing.
    """
    print(INTERRUPTED, file=sys.stderr)
    _exit_interrupted()


def run() -> None:
    """Load the command line and run it; Ctrl-C at any moment ends with one line and status 130."""
    signal.signal(signal.SIGINT, _on_interrupt)
    try:
        from .cli import main
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        _exit_interrupted()
    status = main()
    if status == EXIT_INTERRUPTED:
        _exit_interrupted()
    sys.exit(status)


if __name__ == "__main__":
    run()
