"""Making untrusted text safe to show: task names, log lines, meta, server errors.

Other people's code writes these strings. Textual and Rich strip only a few control
characters, so an ESC in a log line would reach the terminal and could recolour the
screen, retitle the window or reset the terminal. `clean` removes every escape sequence,
C1 control, C0 control except tab and newline, and bidi override (which would let
text pose as something else); lone UTF-16 surrogates, which no terminal encoding can
carry, become U+FFFD; the API token, should a task print it, becomes `********`;
`one_line` also folds line breaks for
table cells and headers. Markup safety is the widgets' job: they must be given `Text` or
`Content` objects built from cleaned strings, never markup strings.
"""

from __future__ import annotations

import re

_ESC_SEQ = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST (or unterminated)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS / SOS / PM / APC strings
    r"|\x1b[ -/]*[0-~]"  # two-byte escapes such as ESC c (full reset)
    r"|\x1b"  # a lone ESC at the end
    r"|[\x80-\x9f]"  # C1 controls (8-bit CSI and friends)
)
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")  # + bidi overrides
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # lone halves (from JSON escapes) cannot be encoded
_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]+")


MASK = "********"
_secrets: set[str] = set()


def never_show(secret: str) -> None:
    """From now on `clean` and `one_line` blank `secret` out wherever it occurs: a task
    that prints the API token into its log must not put it on our screen.

    Only strings that look like a key count (16+ characters, 8+ different ones): blanking
    a short word or a run like `=====` would damage ordinary text.
    """
    if len(secret) >= 16 and len(set(secret)) >= 8:
        _secrets.add(secret)


def _masked(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def clean(text: str) -> str:
    """Drop escape sequences and control characters; keep tabs and newlines."""
    text = _masked(text)
    if text.isprintable():
        return text
    return _SURROGATE.sub("\ufffd", _CTRL.sub("", _ESC_SEQ.sub("", text)))


def one_line(text: str) -> str:
    """`clean`, with line breaks and tabs folded to single spaces (for cells and titles)."""
    text = clean(text)
    return text if text.isprintable() else _BREAKS.sub(" ", text)
