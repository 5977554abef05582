"""A tournament engine for the politics of migration, on the axelrod library.

The package imports nothing heavy at import time; see :mod:`tournaments.api` for the Python API
and :mod:`tournaments.cli` for the command line.
"""

__version__ = "0.1.0"
