"""How the ``wafer`` command ends: its exit statuses and the line Ctrl-C prints.

Kept apart from :mod:`wafer.cli` so the entry point can use them before the
libraries load.
"""

#: Exit status on bad input, and after Ctrl-C (128 + SIGINT).
EXIT_BAD_INPUT, EXIT_INTERRUPTED = 2, 130

#: What Ctrl-C prints: a study writes its results only at the end.
INTERRUPTED = "wafer: interrupted; nothing was written"
