"""How far the import graph of `sly_tui/ui` is from its one-way order, as figures.

The layers are read from the "Inside the UI" contract in pyproject.toml, so the figures
follow the contract. `lint-imports` only says kept or broken (and skips `ignore_imports`);
this counts every direct import that points up, ignored ones included, and how many
modules import a given one (`--importers`, default the forms' base):

    python benchmarks/ui_imports.py [--importers sly_tui.ui.forms.base]
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
CONTAINER = "sly_tui.ui"


def ui_layers() -> list[list[str]]:
    """The contract's layers, top first, each a list of full module names."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract.get("containers") == [CONTAINER]:
            return [
                [f"{CONTAINER}.{name.strip()}" for name in layer.replace("|", ":").split(":")]
                for layer in contract["layers"]
            ]
    raise SystemExit(f"pyproject.toml has no layers contract for {CONTAINER}")


def rank_of(module: str, ranks: dict[str, int]) -> int | None:
    """The layer of `module` (0 is the top), found through its enclosing modules."""
    parts = module.split(".")
    for end in range(len(parts), 2, -1):
        rank = ranks.get(".".join(parts[:end]))
        if rank is not None:
            return rank
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--importers", default=f"{CONTAINER}.forms.base")
    args = parser.parse_args()
    ranks = {module: rank for rank, layer in enumerate(ui_layers()) for module in layer}
    graph = grimp.build_graph("sly_tui")  # TYPE_CHECKING and in-function imports count
    upward = []
    for importer in sorted(graph.modules):
        low = rank_of(importer, ranks)
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            high = rank_of(imported, ranks)
            if low is not None and high is not None and high < low:
                upward.append(f"{importer} -> {imported}")
    print(f"wrong-way imports between ui layers: {len(upward)}")
    for line in upward:
        print(f"  {line}")
    if args.importers in graph.modules:
        importers = sorted(graph.find_modules_that_directly_import(args.importers))
        print(f"importers of {args.importers}: {len(importers)}")
        for module in importers:
            print(f"  {module}")
    else:
        print(f"{args.importers}: no such module")


if __name__ == "__main__":
    main()
