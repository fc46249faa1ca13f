"""The ``policykb`` command: the knowledge-base commands plus the ones that need the site."""
from __future__ import annotations

from indexer.cli import cli


def main() -> None:
    cli(prog_name="policykb")


if __name__ == "__main__":
    main()
