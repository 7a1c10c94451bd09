"""What every headless command starts from: the resolved settings, a client, the output.

Retries: a one-shot command rides out a short outage inside each request (4 attempts, 1,
2, 4 s apart), then fails with exit code 3. A follow mode (`--follow`, `--watch`) tries a
request only twice, because the polling service around it backs off by itself (1, 2, 4 …
60 s) and says so on stderr. A 429's Retry-After is obeyed up to 60 s (said on stderr);
a follow mode leaves a longer one than its own pauses to the polling service. Both honour
the SDK's own variables, `SUPERVISELY_PUBLIC_API_RETRIES` (attempts per request) and
`SUPERVISELY_PUBLIC_API_RETRY_SLEEP_SEC` (the first pause), so a CI job tuned for SDK
scripts behaves the same here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from sly_tui.api import ApiError, RateLimited, RetryPolicy, SlyClient
from sly_tui.config import ConfigError, Settings, response_limit
from sly_tui.headless.errors import EXIT_USAGE, CommandError
from sly_tui.headless.output import Output

RETRIES_ENV = "SUPERVISELY_PUBLIC_API_RETRIES"
RETRY_SLEEP_ENV = "SUPERVISELY_PUBLIC_API_RETRY_SLEEP_SEC"
ONE_SHOT_RETRY = RetryPolicy(retries=4, sleep=1.0, cap=60.0)
POLLING_RETRY = RetryPolicy(retries=2, sleep=0.5, cap=2.0, patience=2.0)


def retry_policy(environ: Mapping[str, str], *, polling: bool) -> RetryPolicy:
    base = POLLING_RETRY if polling else ONE_SHOT_RETRY
    retries, sleep = base.retries, base.sleep
    if text := environ.get(RETRIES_ENV, "").strip():
        if not text.isdigit() or int(text) < 1:
            raise ConfigError(f"{RETRIES_ENV} must be a whole number of attempts (1 or more).")
        retries = int(text)
    if text := environ.get(RETRY_SLEEP_ENV, "").strip():
        try:
            sleep = float(text)
        except ValueError:
            sleep = -1.0
        if not 0 <= sleep < float("inf"):
            raise ConfigError(f"{RETRY_SLEEP_ENV} must be a number of seconds (0 or more).")
    return RetryPolicy(retries=retries, sleep=sleep, cap=base.cap, patience=base.patience)


@dataclass
class Session:
    """One command's connection settings and output."""

    settings: Settings
    out: Output = field(default_factory=Output)

    def client(self, *, polling: bool = False) -> SlyClient:
        """A client for this command (close it: `async with session.client() as client`)."""
        settings = self.settings
        settings.require_credentials()
        assert settings.server is not None  # require_credentials checked it
        return SlyClient(
            settings.server,
            settings.token,
            api_server_address=settings.api_server_address,
            read_only=settings.read_only,
            retry=retry_policy(os.environ, polling=polling),
            on_retry=self._waiting,
            max_response_bytes=response_limit(os.environ),
        )

    def _waiting(self, error: ApiError, delay: float) -> None:
        """Say on stderr why a command pauses for a rate limit, rather than hang silently."""
        if isinstance(error, RateLimited):
            self.out.notice(f"rate limited by the server (HTTP 429), retrying in {delay:g} s.")

    def workspace_id(self) -> int:
        if self.settings.workspace_id is None:
            raise CommandError(
                "No workspace is chosen: pass --workspace ID, set WORKSPACE_ID, or save it "
                "in a profile.",
                EXIT_USAGE,
            )
        return self.settings.workspace_id
