"""Read-only calls sent on threads while the dashboard is still importing its screens.

A dashboard spends its first quarter second importing Textual and its own modules, and
only then asks the server who the user is and what the first page of tasks holds: a round
trip (for https also a certificate store and a handshake) after all that. `EarlyReplies`
sends those calls as soon as the settings are known, with httpx's synchronous client on
threads (no event loop needed), so the network and the server work while the interpreter
imports. The client's `Transport` uses a reply from here as the first attempt of its own
call with the same method and body; any other call goes out as usual.

Only reads are ever sent early: a reply nobody asks for is thrown away, and a failed one
is simply asked again, both harmless for a read.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from typing import Any

import httpx

from sly_tui.api.transport import read_reply
from sly_tui.enums import MUTATING_METHODS
from sly_tui.secrets import Secret

Call = tuple[str, Mapping[str, Any]]  # (method, JSON body)


class ReplyTooLarge(Exception):
    """The early reply was over the size limit: the call is sent again, to be refused
    with the transport's own message."""


def call_key(rpc: str, body: Mapping[str, Any]) -> str:
    return rpc + "\0" + json.dumps(body, sort_keys=True, separators=(",", ":"))


class EarlyReplies:
    """Calls to `root` with `token`, sent at once; `take` hands out each reply once.

    `timeout` bounds each call as the transport's own timeout would, and a reply over
    `max_bytes` is not kept.
    """

    def __init__(
        self,
        root: str,
        token: Secret,
        calls: Sequence[Call],
        *,
        timeout: float,
        max_bytes: int,
    ) -> None:
        if mutating := [rpc for rpc, _ in calls if rpc in MUTATING_METHODS]:
            raise ValueError(f"only reads may be sent early, not {', '.join(mutating)}")
        self.root = root
        self.token = token
        self._timeout = timeout
        self._max_bytes = max_bytes
        # Each thread holds its own call's future: one taken (popped from here) before its
        # thread ran is still answered.
        pending = [(rpc, body, Future[httpx.Response]()) for rpc, body in calls]
        self._replies = {call_key(rpc, body): future for rpc, body, future in pending}
        self._tls: Future[ssl.SSLContext | None] = Future()
        threading.Thread(
            target=self._send_all, args=(pending,), name="sly-tui early calls", daemon=True
        ).start()

    def take(self, rpc: str, body: Mapping[str, Any]) -> Future[httpx.Response] | None:
        """The reply to this exact call, if it was sent early and not taken yet."""
        return self._replies.pop(call_key(rpc, body), None)

    @property
    def untaken(self) -> int:
        return len(self._replies)

    def tls_context(self) -> ssl.SSLContext | None:
        """The https certificate store the early calls loaded (None: not an https server,
        or not loaded yet), for the client to reuse instead of loading it again."""
        return self._tls.result() if self._tls.done() else None

    def _send_all(self, calls: list[tuple[str, Mapping[str, Any], Future[httpx.Response]]]) -> None:
        try:
            # httpx's own defaults (certifi, SSL_CERT_FILE/SSL_CERT_DIR), as the client's.
            context = httpx.create_ssl_context() if self.root.startswith("https://") else None
            self._tls.set_result(context)
            with httpx.Client(
                # A plain-http root never handshakes; a context with no certificates trusts
                # nothing, as in `LazyTlsTransport`.
                verify=context or ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT),
                timeout=self._timeout,
                headers={"x-api-key": self.token.reveal()},
                follow_redirects=False,
            ) as client:
                threads = [
                    threading.Thread(target=self._send, args=(client, *call), daemon=True)
                    for call in calls
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
        except Exception as exc:  # a broken certificate setting, no thread to be had
            if not self._tls.done():
                self._tls.set_result(None)
            for _, _, future in calls:
                if future.set_running_or_notify_cancel():
                    future.set_exception(exc)

    def _send(
        self,
        client: httpx.Client,
        rpc: str,
        body: Mapping[str, Any],
        future: Future[httpx.Response],
    ) -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            with client.stream("POST", f"{self.root}/v3/{rpc}", json=body) as response:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self._max_bytes:
                        raise ReplyTooLarge(rpc)
                    chunks.append(chunk)
            reply = read_reply(response, b"".join(chunks))
        except Exception as exc:
            future.set_exception(exc)
        else:
            future.set_result(reply)
