"""The command line (stage: interface).

Owns argument parsing, help text and exit codes: `main.py` is the `evkg` group, and each command is one thin
module here (check, explain, query, build, serve, …) that calls one library function. May import any stage
below it; nothing imports it.
"""
from evkg.cli.group import main

__all__ = ["main"]
