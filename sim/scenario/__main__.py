"""`python -m sim.scenario …`, the same as `python -m sim scenario …`."""

import os
import sys

from sim.scenario.cli import main

try:
    sys.exit(main())
except BrokenPipeError:  # `… --help-steps | head`
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(0)
