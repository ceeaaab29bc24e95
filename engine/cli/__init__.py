"""The headless ``stickgen`` command line. Each subcommand lives in its own module with
``register(subparsers)``; errors are one clear line on stderr and a non-zero exit."""
from __future__ import annotations

import argparse
import importlib
import sys

# Subcommand modules, in the order ``stickgen --help`` lists them.
SUBCOMMANDS = ("generate", "render", "convert", "story")


class CliError(Exception):
    """An error the CLI reports as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stickgen", description="Stick-Gen: text to stick-figure motion.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(f"engine.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from ..cpu import prepare_process

    prepare_process()   # thread count and OpenMP waiting, before any subcommand loads torch
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("stickgen: interrupted", file=sys.stderr)
        return 130
    except (CliError, ValueError, OSError) as exc:
        print(f"stickgen: error: {exc}", file=sys.stderr)
        return 2
