"""The condition language: parsed once into an AST, type-checked, evaluated without eval.

Over 400 lines on purpose: one grammar, so its tokens, parser and type checker stay together.

Grammar (lowest precedence first)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | cmp
    cmp     := sum (("=="|"!="|"<"|"<="|">"|">=") sum)?
    sum     := product (("+"|"-") product)*
    product := unary (("*"|"/") unary)*
    unary   := ("-"|"+") unary | atom
    atom    := NUMBER | "true" | "false" | NAME | NAME "(" args ")" | "(" expr ")"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

Type = Literal["number", "bool"]


class ExprError(Exception):
    """A located problem in an expression: ``offset`` is a character index into the source."""

    def __init__(self, message: str, offset: int, hint: str = "", code: str = "SG501") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.code = code


# --- AST -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Num:
    value: float
    offset: int


@dataclass(frozen=True, slots=True)
class Bool:
    value: bool
    offset: int


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple[Node, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class IdArg:
    """A scene or choice id passed to visited()/visits()/chose()."""

    ident: str
    offset: int


Node = Num | Bool | Name | Unary | Binary | Call | IdArg

# --- Lexer -----------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|,)
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    """,
    re.VERBOSE,
)

KEYWORDS = {"and", "or", "not", "true", "false"}
ID_FUNCTIONS = {"visited": "bool", "visits": "number", "chose": "bool"}
NUM_FUNCTIONS = {"min": 2, "max": 2, "abs": 1, "clamp": 3}
MAX_LENGTH = 2000
MAX_DEPTH = 40  # parentheses, `not` and signs nested inside each other
MAX_TREE_DEPTH = 100  # operations nested in the parsed tree, chains included (`a + b + c` is 3 deep)
MAX_NODES = 500  # names, numbers, operations and calls in one expression
MAX_NUMBER_CHARS = 20


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    offset: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if not m:
            raise ExprError(
                f"unexpected character {source[pos]!r}",
                pos,
                "expressions use numbers, names, + - * /, comparisons, and/or/not, and parentheses",
                code="SG500",
            )
        kind = m.lastgroup or ""
        if kind == "num" and len(m.group()) > MAX_NUMBER_CHARS:
            raise ExprError(
                f"the number {m.group()[:12]}... is too long ({len(m.group())} characters)",
                pos,
                f"numbers in an expression have at most {MAX_NUMBER_CHARS} characters",
                code="SG500",
            )
        if kind != "ws":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    tokens.append(Token("eof", "", len(source)))
    return tokens


# --- Parser ----------------------------------------------------------------


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.i = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> Token:
        tok = self.peek()
        if tok.text != text:
            found = "the end" if tok.kind == "eof" else repr(tok.text)
            raise ExprError(f"expected {text!r} but found {found}", tok.offset, code="SG500")
        return self.take()

    def parse(self) -> Node:
        if not self.source.strip():
            raise ExprError("empty expression", 0, "write a condition such as `trust >= 50`", "SG500")
        if len(self.source) > MAX_LENGTH:
            raise ExprError(f"expression longer than {MAX_LENGTH} characters", 0, code="SG500")
        node = self.or_()
        tok = self.peek()
        if tok.kind != "eof":
            raise ExprError(
                f"unexpected {tok.text!r} after a complete expression",
                tok.offset,
                "join conditions with `and` / `or`",
                code="SG500",
            )
        return node

    def _nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError("expression nested too deeply", self.peek().offset, code="SG500")

    def or_(self) -> Node:
        node = self.and_()
        while self.peek().text == "or":
            tok = self.take()
            node = Binary("or", node, self.and_(), tok.offset)
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.peek().text == "and":
            tok = self.take()
            node = Binary("and", node, self.not_(), tok.offset)
        return node

    def not_(self) -> Node:
        if self.peek().text == "not":
            tok = self.take()
            self._nest()
            node = Unary("not", self.not_(), tok.offset)
            self.depth -= 1
            return node
        return self.cmp()

    def cmp(self) -> Node:
        node = self.sum()
        if self.peek().text in ("==", "!=", "<", "<=", ">", ">="):
            tok = self.take()
            node = Binary(tok.text, node, self.sum(), tok.offset)
            if self.peek().text in ("==", "!=", "<", "<=", ">", ">="):
                raise ExprError(
                    "comparisons cannot be chained",
                    self.peek().offset,
                    "write `a < b and b < c`",
                    code="SG500",
                )
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.peek().text in ("+", "-"):
            tok = self.take()
            node = Binary(tok.text, node, self.product(), tok.offset)
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.peek().text in ("*", "/"):
            tok = self.take()
            node = Binary(tok.text, node, self.unary(), tok.offset)
        return node

    def unary(self) -> Node:
        if self.peek().text in ("-", "+"):
            tok = self.take()
            self._nest()
            node = Unary(tok.text, self.unary(), tok.offset)
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return Num(float(tok.text), tok.offset)
        if tok.text == "(":
            self._nest()
            node = self.or_()
            self.expect(")")
            self.depth -= 1
            return node
        if tok.kind == "name":
            if tok.text in ("true", "false"):
                return Bool(tok.text == "true", tok.offset)
            if tok.text in KEYWORDS:
                raise ExprError(f"{tok.text!r} needs a value before it", tok.offset, code="SG500")
            if self.peek().text == "(":
                return self.call(tok)
            if "-" in tok.text:
                raise ExprError(
                    f"{tok.text!r} is not a metric or flag name",
                    tok.offset,
                    "metric and flag names use underscores; put spaces around a minus sign",
                    code="SG502",
                )
            return Name(tok.text, tok.offset)
        found = "the end of the expression" if tok.kind == "eof" else repr(tok.text)
        raise ExprError(f"expected a value but found {found}", tok.offset, code="SG500")

    def call(self, name: Token) -> Node:
        self.take()  # "("
        args: list[Node] = []
        if name.text in ID_FUNCTIONS:
            tok = self.take()
            if tok.kind != "name":
                raise ExprError(
                    f"{name.text}() takes one id",
                    tok.offset,
                    f"for example {name.text}(kickoff)",
                    code="SG500",
                )
            args.append(IdArg(tok.text, tok.offset))
            self.expect(")")
            return Call(name.text, tuple(args), name.offset)
        self._nest()
        if self.peek().text != ")":
            args.append(self.or_())
            while self.peek().text == ",":
                self.take()
                args.append(self.or_())
        self.expect(")")
        self.depth -= 1
        return Call(name.text, tuple(args), name.offset)


def parse(source: str) -> Node:
    """Parse an expression; raises ExprError with a character offset.

    The tree is at most MAX_TREE_DEPTH deep and MAX_NODES large, so every recursive walk of it
    (checking, evaluating, explaining) stays far from Python's recursion limit.
    """
    node = _Parser(source).parse()
    _bounded(node)
    return node


def _bounded(root: Node) -> None:
    """Refuse a tree too deep or too large to walk safely (iteratively: it may be 1,000 deep)."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_TREE_DEPTH or count > MAX_NODES:
            why = f"{MAX_TREE_DEPTH} operations deep" if depth > MAX_TREE_DEPTH else f"{MAX_NODES} terms"
            raise ExprError(
                f"expression too long: more than {why}",
                node.offset,
                "shorten it; for a long condition, set a flag in an earlier choice or event and test that",
                code="SG500",
            )
        if isinstance(node, Unary):
            stack.append((node.operand, depth + 1))
        elif isinstance(node, Binary):
            stack += [(node.left, depth + 1), (node.right, depth + 1)]
        elif isinstance(node, Call):
            stack += [(arg, depth + 1) for arg in node.args]


# --- Type checking ---------------------------------------------------------


class Names(Protocol):
    @property
    def metrics(self) -> frozenset[str]: ...
    @property
    def flags(self) -> frozenset[str]: ...
    @property
    def scenes(self) -> frozenset[str]: ...
    @property
    def choices(self) -> frozenset[str]: ...


def _suggest(name: str, options: set[str] | frozenset[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(options), n=1)
    return f"did you mean `{close[0]}`?" if close else ""


def check(node: Node, names: Names) -> Type:
    """Return the type of ``node``; raise ExprError for unknown names or type errors."""
    if isinstance(node, Num):
        return "number"
    if isinstance(node, Bool):
        return "bool"
    if isinstance(node, Name):
        if node.name in names.metrics:
            return "number"
        if node.name in names.flags:
            return "bool"
        hint = _suggest(node.name, set(names.metrics) | set(names.flags))
        raise ExprError(
            f"unknown name `{node.name}`: not a metric or flag of this scenario",
            node.offset,
            hint or "declare it under `metrics:` or `flags:`",
            code="SG502",
        )
    if isinstance(node, Unary):
        inner = check(node.operand, names)
        want: Type = "bool" if node.op == "not" else "number"
        if inner != want:
            raise ExprError(f"`{node.op}` needs a {want}, got a {inner}", node.offset, code="SG503")
        return want
    if isinstance(node, Binary):
        left, right = check(node.left, names), check(node.right, names)
        if node.op in ("and", "or"):
            if left != "bool" or right != "bool":
                raise ExprError(
                    f"`{node.op}` joins two conditions (true/false values)",
                    node.offset,
                    "compare a metric first, e.g. `trust >= 50`",
                    code="SG503",
                )
            return "bool"
        if node.op in ("==", "!="):
            if left != right:
                raise ExprError(f"cannot compare a {left} with a {right}", node.offset, code="SG503")
            return "bool"
        if left != "number" or right != "number":
            raise ExprError(f"`{node.op}` needs numbers on both sides", node.offset, code="SG503")
        return "bool" if node.op in ("<", "<=", ">", ">=") else "number"
    if isinstance(node, Call):
        return _check_call(node, names)
    raise ExprError("misplaced id", node.offset, code="SG500")


def _check_call(node: Call, names: Names) -> Type:
    if node.func in ID_FUNCTIONS:
        arg = node.args[0]
        assert isinstance(arg, IdArg)
        pool = names.choices if node.func == "chose" else names.scenes
        if arg.ident not in pool:
            kind = "choice" if node.func == "chose" else "scene"
            raise ExprError(
                f"{node.func}() names unknown {kind} `{arg.ident}`",
                arg.offset,
                _suggest(arg.ident, pool),
                code="SG301",
            )
        return "bool" if ID_FUNCTIONS[node.func] == "bool" else "number"
    if node.func == "turn":
        if node.args:
            raise ExprError("turn() takes no arguments", node.offset, code="SG503")
        return "number"
    if node.func == "if":
        if len(node.args) != 3:
            raise ExprError("if() takes three arguments: if(condition, a, b)", node.offset, code="SG503")
        cond, a, b = (check(arg, names) for arg in node.args)
        if cond != "bool":
            raise ExprError("if() needs a condition first", node.offset, code="SG503")
        if a != b:
            raise ExprError("both branches of if() must have the same type", node.offset, code="SG503")
        return a
    if node.func in NUM_FUNCTIONS:
        if len(node.args) != NUM_FUNCTIONS[node.func]:
            raise ExprError(f"{node.func}() takes {NUM_FUNCTIONS[node.func]} argument(s)", node.offset, code="SG503")
        for arg in node.args:
            if check(arg, names) != "number":
                raise ExprError(f"{node.func}() takes numbers", arg.offset, code="SG503")
        return "number"
    known = sorted([*ID_FUNCTIONS, *NUM_FUNCTIONS, "turn", "if"])
    raise ExprError(
        f"unknown function `{node.func}()`",
        node.offset,
        _suggest(node.func, set(known)) or "functions: " + ", ".join(known),
        code="SG502",
    )


def names_used(node: Node) -> tuple[set[str], set[str], set[str]]:
    """(names, scene ids, choice ids) an expression reads: for provenance and unused-state checks."""
    plain: set[str] = set()
    scenes: set[str] = set()
    choices: set[str] = set()

    def walk(n: Node) -> None:
        if isinstance(n, Name):
            plain.add(n.name)
        elif isinstance(n, Unary):
            walk(n.operand)
        elif isinstance(n, Binary):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Call):
            if n.func in ID_FUNCTIONS:
                arg = n.args[0]
                assert isinstance(arg, IdArg)
                (choices if n.func == "chose" else scenes).add(arg.ident)
            else:
                for a in n.args:
                    walk(a)

    walk(node)
    return plain, scenes, choices
