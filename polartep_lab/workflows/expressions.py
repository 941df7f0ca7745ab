"""The two small expression languages of Argo manifests: ``when`` conditions and ``depends``.

``when`` (after ``{{…}}`` substitution) compares values: ``heads == heads``, ``5 > 3 && x != y``.
``depends`` combines task states: ``A && (B.Succeeded || C.Failed)``; a bare ``A`` means A
succeeded, was skipped or is a daemon (Argo's rule).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<op>&&|\|\||==|!=|<=|>=|<|>|!|\(|\))|(?P<str>'[^']*'|\"[^\"]*\")|(?P<word>[^\s()!<>=&|'\"]+))"
)


class ExpressionError(ValueError):
    pass


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ExpressionError(f"cannot read expression {text!r} at position {pos}")
        pos = match.end()
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "str":
            value = value[1:-1]
        tokens.append((kind, value))
    return tokens


class _Parser:
    """Recursive descent: or -> and -> not -> comparison -> atom."""

    def __init__(self, tokens: list[tuple[str, str]], atom: Callable[[str, str], Any]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.atom = atom

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError("expression ends too early")
        self.pos += 1
        return token

    def parse(self) -> Any:
        if not self.tokens:
            raise ExpressionError("empty expression")
        value = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = truthy(value) or truthy(right)
        return value

    def and_(self) -> Any:
        value = self.not_()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.not_()
            value = truthy(value) and truthy(right)
        return value

    def not_(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.not_())
        return self.comparison()

    def comparison(self) -> Any:
        left = self.operand()
        token = self.peek()
        if token and token[0] == "op" and token[1] in ("==", "!=", "<", ">", "<=", ">="):
            self.take()
            return compare(left, token[1], self.operand())
        return left

    def operand(self) -> Any:
        kind, value = self.take()
        if (kind, value) == ("op", "("):
            inner = self.or_()
            if self.take() != ("op", ")"):
                raise ExpressionError("missing ')'")
            return inner
        if kind == "op":
            raise ExpressionError(f"unexpected {value!r}")
        return self.atom(kind, value)


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() not in ("", "false", "0")
    return bool(value)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def compare(left: Any, op: str, right: Any) -> bool:
    ln, rn = _number(left), _number(right)
    a: Any
    b: Any
    a, b = (ln, rn) if ln is not None and rn is not None else (str(left), str(right))
    if op == "==":
        return bool(a == b)
    if op == "!=":
        return bool(a != b)
    if op == "<":
        return bool(a < b)
    if op == ">":
        return bool(a > b)
    if op == "<=":
        return bool(a <= b)
    return bool(a >= b)


def _literal(kind: str, value: str) -> Any:
    if kind == "word" and value in ("true", "false"):
        return value == "true"
    return value


def evaluate_when(text: str) -> bool:
    """A substituted ``when`` expression -> bool (bare words are strings, as Argo's examples use)."""
    return truthy(_Parser(tokenize(text), _literal).parse())


SUCCESS_LIKE = ("Succeeded", "Skipped", "Daemoned")
_STATES = {"Succeeded", "Failed", "Errored", "Skipped", "Omitted", "Daemoned", "AnySucceeded", "AllFailed"}


def _split_atom(value: str) -> tuple[str, str | None]:
    name, _, state = value.partition(".")
    if state and state not in _STATES:
        raise ExpressionError(f"unknown task result {state!r} in {value!r}")
    return name, state or None


def depends_names(text: str) -> list[str]:
    names: list[str] = []

    def atom(kind: str, value: str) -> bool:
        name, _ = _split_atom(value)
        if name not in names:
            names.append(name)
        return True

    _Parser(tokenize(text), atom).parse()
    return names


def evaluate_depends(text: str, result_of: Callable[[str, str | None], bool]) -> bool:
    """``result_of(task, state)`` answers one atom; state None means the bare-name rule."""

    def atom(kind: str, value: str) -> bool:
        name, state = _split_atom(value)
        return result_of(name, state)

    return truthy(_Parser(tokenize(text), atom).parse())
