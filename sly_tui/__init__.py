"""sly-tui: a terminal dashboard for the tasks of a Supervisely instance."""

import sys

__version__ = "0.1.0"

# `import httpx` also imports its command-line client (httpx._main: click, Rich's progress
# and syntax, Pygments) whenever click is installed, as uvicorn makes it: a third of
# `sly-tui tasks`'s start-up, for a function we never call. A None entry makes that one
# import fail, which httpx expects and answers with a stub `httpx.main`.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
