"""`python -m sim.scenario …`, the same as `python -m sim scenario …`."""

import sys

from sim.scenario.cli import main

sys.exit(main())
