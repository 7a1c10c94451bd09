"""Allow ``python -m sly_tui``."""

from sly_tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
