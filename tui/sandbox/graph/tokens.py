"""Tokens of the KQL subset the sandbox's Resource Graph answers, and `KqlError`, the
refusal the tokenizer and the parser raise (with the detail code, the token and where).

Apart from the parser (`kql`) so that reading characters into names, strings, numbers and
symbols is one module and the grammar another.
"""

from __future__ import annotations

from typing import NamedTuple

_SYMBOLS = (
    "!in~", "!in", "in~", "==", "!=", "=~", "!~", "<=", ">=", "<>", "=", "<", ">", "(", ")",
    "[", "]", ",", ".", "|", "+", "-", "*", "/", "%", ";", ":",
)


class KqlError(Exception):
    """A query the sandbox refuses: `code` is the detail code, `token` what it stopped at."""

    def __init__(self, code: str, message: str, token: str, line: int, column: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.token = token
        self.line = line
        self.column = column


# --- tokens -------------------------------------------------------------------------------
class Token(NamedTuple):
    """One KQL token, with where it was in the query (for errors). A named tuple, as the
    syntax tree's nodes are (`syntax`): a frozen dataclass compiles its methods on import."""

    kind: str  # name | string | number | symbol | end
    text: str
    value: str | int | float
    line: int
    column: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, line, line_start = 0, 1, 0
    n = len(text)
    while i < n:
        c = text[i]
        col = i - line_start + 1
        if c == "\n":
            i, line, line_start = i + 1, line + 1, i + 1
            continue
        if c.isspace():
            i += 1
            continue
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c in "'\"" or (c == "@" and i + 1 < n and text[i + 1] in "'\""):
            i, value = _string(text, i, line, col)
            tokens.append(Token("string", text[i - 1: i], value, line, col))
            continue
        if c.isdigit():
            j = i
            while j < n and (text[j].isdigit() or text[j] == "."):
                j += 1
            raw = text[i:j]
            try:
                number: int | float = float(raw) if "." in raw else int(raw)
            except ValueError:
                raise KqlError("ParserFailure", f"'{raw}' is not a number", raw, line,
                               col) from None
            tokens.append(Token("number", raw, number, line, col))
            i = j
            continue
        if c.isalpha() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_" or (
                text[j] == "-" and j + 1 < n and (text[j + 1].isalpha() or text[j + 1] == "_")
            )):
                j += 1
            word = text[i:j]
            if word == "in" and j < n and text[j] == "~":
                tokens.append(Token("symbol", "in~", "in~", line, col))
                i = j + 1
                continue
            tokens.append(Token("name", word, word, line, col))
            i = j
            continue
        for symbol in _SYMBOLS:
            if text.startswith(symbol, i) and not (
                symbol in ("!in", "!in~") and i + len(symbol) < n
                and (text[i + len(symbol)].isalnum() or text[i + len(symbol)] == "_")
            ):
                tokens.append(Token("symbol", symbol, symbol, line, col))
                i += len(symbol)
                break
        else:
            if c == "!":  # !contains, !has ...: KQL, but not answered here
                j = i + 1
                while j < n and (text[j].isalnum() or text[j] == "_"):
                    j += 1
                tokens.append(Token("name", text[i:j], text[i:j], line, col))
                i = j
                continue
            raise KqlError("ParserFailure", f"unexpected character {c!r}", c, line, col)
    tokens.append(Token("end", "", "", line, n - line_start + 1))
    return tokens


def _string(text: str, i: int, line: int, col: int) -> tuple[int, str]:
    verbatim = text[i] == "@"
    if verbatim:
        i += 1
    quote = text[i]
    i += 1
    out: list[str] = []
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"'}
    while i < len(text):
        c = text[i]
        if c == quote:
            if verbatim and text.startswith(quote * 2, i):
                out.append(quote)
                i += 2
                continue
            return i + 1, "".join(out)
        if c == "\\" and not verbatim:
            if i + 1 < len(text) and text[i + 1] in escapes:
                out.append(escapes[text[i + 1]])
                i += 2
                continue
            raise KqlError("ParserFailure", "unknown escape in a string literal", c, line, col)
        if c == "\n":
            break
        out.append(c)
        i += 1
    raise KqlError("ParserFailure", "a string literal is not closed", quote, line, col)
