"""The embedded Supervisely emulator: a seeded, simulated instance served over HTTP.

It implements the wire protocol independently of `sly_tui.api` (the two share only
`sly_tui.enums`), so each checks the other; the official SDK talks to it too.
"""

from sly_tui.demo.clock import Clock, ManualClock, SystemClock
from sly_tui.demo.emulator import Emulator
from sly_tui.demo.faults import Faults
from sly_tui.demo.runner import run_server, serve

__all__ = ["Clock", "Emulator", "Faults", "ManualClock", "SystemClock", "run_server", "serve"]
