"""`python -m pactlab ...`: the same as the `pactlab` command (for terminals whose PATH lacks
the environment's scripts folder, as on many JupyterHubs)."""
import sys

from .instructor.cli import main

sys.exit(main())
