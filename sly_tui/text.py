"""Making untrusted text safe to show: task names, log lines, meta, server errors.

Other people's code writes these strings. Textual and Rich strip only a few control
characters, so an ESC in a log line would reach the terminal and could recolour the
screen, retitle the window or reset the terminal. `clean` removes every escape sequence,
C1 control, C0 control except tab and newline, and bidi override (which would let
text pose as something else); lone UTF-16 surrogates, which no terminal encoding can
carry, become U+FFFD; the API token, should a task print it (whole, in part, or split
by any of the above or by invisible characters), becomes `********`;
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
# Characters that draw nothing yet would split a token in two if left in place: zero-width
# spaces and joiners, word joiners, soft hyphens, variation selectors, the BOM.
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u2060-\u2064\u206a-\u206f\ufe00-\ufe0f\ufeff"
)
_INVISIBLE_CHAR = re.compile(f"[{_INVISIBLE}]")
RUN = 16  # this many characters of a secret in a row count as showing it


class _Secret:
    """A secret and what finds it: every `RUN`-long stretch of it that looks like part of
    a key (8+ different characters), and a pattern for runs of its characters, in which
    invisible characters may be interleaved."""

    def __init__(self, value: str) -> None:
        self.value = value
        stretches = (value[i : i + RUN] for i in range(len(value) - RUN + 1))
        self.stretches = {part for part in stretches if len(set(part)) >= 8}
        alphabet = re.escape("".join(sorted(set(value))))
        self.runs = re.compile(f"[{alphabet}{_INVISIBLE}]{{{RUN},}}")

    def mask(self, match: re.Match[str]) -> str:
        """The run with each stretch of the secret in it (invisible characters included)
        replaced by `MASK`."""
        run = match.group()
        kept = [i for i, char in enumerate(run) if not _INVISIBLE_CHAR.match(char)]
        bare = "".join(run[i] for i in kept)
        hit = [False] * len(bare)
        for start in range(len(bare) - RUN + 1):
            if bare[start : start + RUN] in self.stretches:
                hit[start : start + RUN] = [True] * RUN
        start = bare.find(self.value)
        while start >= 0:  # the whole secret, even one too uniform for `stretches`
            hit[start : start + len(self.value)] = [True] * len(self.value)
            start = bare.find(self.value, start + 1)
        if not any(hit):
            return run
        out: list[str] = []
        cut = 0
        for index, masked in enumerate(hit):
            if masked and (index == 0 or not hit[index - 1]):
                out.append(run[cut : kept[index]] + MASK)
            if masked and (index == len(hit) - 1 or not hit[index + 1]):
                cut = kept[index] + 1
        out.append(run[cut:])
        return "".join(out)


_secrets: dict[str, _Secret] = {}


def never_show(secret: str) -> None:
    """From now on `clean` and `one_line` blank `secret` out wherever it occurs, even split
    by escape sequences, control or invisible characters, and any 16 characters of it in a
    row: a task that prints the API token into its log must not put it on our screen.

    Only strings that look like a key count (16+ characters, 8+ different ones): blanking
    a short word or a run like `=====` would damage ordinary text.
    """
    if len(secret) >= RUN and len(set(secret)) >= 8 and secret not in _secrets:
        _secrets[secret] = _Secret(secret)


def _masked(text: str) -> str:
    for secret in _secrets.values():
        text = secret.runs.sub(secret.mask, text)
    return text


def _stripped(text: str) -> str:
    if text.isprintable():
        return text
    return _SURROGATE.sub("\ufffd", _CTRL.sub("", _ESC_SEQ.sub("", text)))


def clean(text: str) -> str:
    """Drop escape sequences and control characters, keep tabs and newlines, then blank
    out secrets (after, so that no control character can split one to slip it through)."""
    return _masked(_stripped(text))


def redacted(text: str) -> str:
    """`text` exactly, unless it hides a secret (however split): then `clean(text)`. For
    output that must keep the server's bytes, such as `--jsonl`, yet never the token."""
    if not _secrets:
        return text
    bare = _INVISIBLE_CHAR.sub("", _stripped(text))
    return clean(text) if _masked(bare) != bare else text


def one_line(text: str) -> str:
    """`clean`, with line breaks and tabs folded to single spaces (for cells and titles)."""
    text = clean(text)
    return text if text.isprintable() else _BREAKS.sub(" ", text)
