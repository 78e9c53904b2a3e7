"""``python -m wafer``: the same as the ``wafer`` command."""

import sys

from .cli import main

sys.exit(main())
