"""The KQL subset the sandbox's Resource Graph answers: a tokenizer and a recursive-descent
parser over this grammar (anything outside it is refused, never guessed at):

    query     := [table] ('|' operator)*             table: resources | resourcecontainers
                 (a join's query names its table)
    operator  := 'where' expr
               | 'project' column (',' column)*      column := [name '='] expr
               | 'project-away' name (',' name)*
               | 'extend' name '=' expr (',' name '=' expr)*
               | ('order' | 'sort') 'by' expr ['asc' | 'desc'] (',' ...)*
               | ('take' | 'limit') integer
               | 'summarize' aggregate (',' aggregate)* ['by' column (',' column)*]
                 aggregate := [name '='] ('count' '(' ')' | 'make_list' '(' expr ')')
               | 'join' 'kind' '=' ('leftouter' | 'inner') '(' query ')' 'on' name (',' name)*
    expr      := and ('or' and)*
    and       := compare ('and' compare)*
    compare   := primary [('==' | '!=' | '=~' | '!~') primary
                          | ('in' | 'in~' | '!in' | '!in~') '(' literal (',' literal)* ')']
    primary   := literal | path | function '(' [expr (',' expr)*] ')' | '(' expr ')'
    path      := name ('.' name | '[' (string | integer) ']')*
    function  := tostring | tolower | toupper | isempty | isnotempty | not  (one argument)
               | pack_array                                            (one or more)
    literal   := string | number | true | false

A query that starts with an operator reads the `resources` table, as Resource Graph's do.
Errors carry Azure's detail codes: `ParserFailure` for text that is not KQL, and
`UnsupportedOperator` ([U] the sandbox's own code) for KQL the sandbox does not answer.

The tree the parser builds is in `syntax`, the tokenizer and `KqlError` in `tokens`; every
name this module had is importable from it too.
"""

from __future__ import annotations

from tui.sandbox.graph.syntax import (
    Aggregate,
    Call,
    Compare,
    Expr,
    Extend,
    Join,
    Literal,
    Logical,
    Member,
    Operator,
    OrderBy,
    Path,
    Project,
    ProjectAway,
    Query,
    Summarize,
    Take,
    Where,
)
from tui.sandbox.graph.tokens import KqlError, Token, tokenize

TABLES = ("resources", "resourcecontainers")
FUNCTIONS = frozenset({"tostring", "tolower", "toupper", "isempty", "isnotempty", "not",
                       "pack_array"})
VARIADIC = frozenset({"pack_array"})
AGGREGATIONS = ("count", "make_list")
OPERATORS = frozenset({
    "where", "project", "project-away", "extend", "order", "sort", "take", "limit", "summarize",
    "join",
})
JOIN_KINDS = ("leftouter", "inner")
COMPARISONS = ("==", "!=", "=~", "!~")
MEMBERSHIP = ("in", "in~", "!in", "!in~")
# KQL's word operators between two expressions: recognised only to be refused by name.
_WORD_OPERATORS = frozenset({
    "contains", "contains_cs", "has", "has_cs", "hasprefix", "hassuffix", "startswith",
    "startswith_cs", "endswith", "endswith_cs", "matches", "between", "has_any", "has_all",
    "like", "notlike",
})


# --- the parser ---------------------------------------------------------------------------
class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.at = 0
        self.unnamed = 0

    # helpers
    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.at + offset, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.token
        self.at += 1
        return token

    def is_symbol(self, *symbols: str) -> bool:
        return self.token.kind == "symbol" and self.token.text in symbols

    def is_word(self, *words: str) -> bool:
        return self.token.kind == "name" and self.token.text in words

    def expect_symbol(self, symbol: str) -> Token:
        if not self.is_symbol(symbol):
            self.fail(f"expected '{symbol}'")
        return self.take()

    def expect_word(self, word: str) -> Token:
        if not self.is_word(word):
            self.fail(f"expected '{word}'")
        return self.take()

    def name(self, what: str) -> str:
        token = self.token
        if token.kind != "name" or token.text.startswith("!") or "-" in token.text:
            self.fail(f"expected {what}")
        self.take()
        return token.text

    def fail(self, why: str, token: Token | None = None) -> KqlError:
        token = token or self.token
        shown = token.text or "end of query"
        raise KqlError("ParserFailure", f"{why}, found '{shown}'", token.text, token.line,
                       token.column)

    def unsupported(self, token: Token, what: str = "operator") -> KqlError:
        raise KqlError(
            "UnsupportedOperator",
            f"the sandbox's Resource Graph does not answer the {what} '{token.text}'",
            token.text, token.line, token.column,
        )

    # query
    def query(self) -> Query:
        found = self.pipeline(nested=False)
        if self.token.kind != "end":
            if self.is_symbol(";"):
                self.unsupported(self.token, "statement separator")
            self.fail("expected '|' or the end of the query")
        return found

    def pipeline(self, *, nested: bool) -> Query:
        table = "resources"
        operators: list[Operator] = []
        if self.token.kind == "end":
            self.fail("expected a table or an operator")
        if self.token.kind == "name" and self.token.text not in OPERATORS:
            token = self.take()
            if token.text.lower() not in TABLES:
                if self.is_symbol("(") or token.text in ("let", "union", "datatable", "print"):
                    self.unsupported(token)
                raise KqlError(
                    "UnsupportedOperator",
                    f"the sandbox's Resource Graph has no table '{token.text}' (it has "
                    f"{' and '.join(TABLES)})", token.text, token.line, token.column,
                )
            table = token.text.lower()
        elif nested:
            self.fail("expected the table the join reads")
        else:
            operators.append(self.operator())
        while self.is_symbol("|"):
            self.take()
            operators.append(self.operator())
        return Query(table, tuple(operators))

    def operator(self) -> Operator:
        token = self.token
        if token.kind != "name":
            self.fail("expected an operator")
        if token.text not in OPERATORS:
            self.unsupported(token)
        self.take()
        word = token.text
        if word == "where":
            return Where(self.expr())
        if word == "project":
            return Project(tuple(self.columns(named=False)))
        if word == "project-away":
            names = [self.name("a column name")]
            while self.is_symbol(","):
                self.take()
                names.append(self.name("a column name"))
            return ProjectAway(tuple(names))
        if word == "extend":
            return Extend(tuple(self.columns(named=True)))
        if word in ("order", "sort"):
            self.expect_word("by")
            keys = [self.order_key()]
            while self.is_symbol(","):
                self.take()
                keys.append(self.order_key())
            return OrderBy(tuple(keys))
        if word in ("take", "limit"):
            count = self.token
            if count.kind != "number" or not isinstance(count.value, int):
                self.fail("expected a whole number of rows")
            self.take()
            return Take(int(count.value))
        if word == "join":
            return self.join(token)
        return self.summarize()

    def join(self, start: Token) -> Join:
        """Only the kinds vnettui sends are answered; KQL's default (innerunique, which
        drops repeated left keys) and the others are refused by name."""
        if not self.is_word("kind"):
            self.unsupported(start, "join without kind=leftouter or kind=inner:")
        self.take()
        self.expect_symbol("=")
        kind = self.token
        if kind.text not in JOIN_KINDS:
            self.unsupported(kind, "join kind")
        self.take()
        self.expect_symbol("(")
        right = self.pipeline(nested=True)
        self.expect_symbol(")")
        self.expect_word("on")
        keys = [self.name("a column name")]
        while self.is_symbol(","):
            self.take()
            keys.append(self.name("a column name"))
        return Join(kind.text, right, tuple(keys))

    def columns(self, *, named: bool) -> list[tuple[str, Expr]]:
        found = [self.column(named)]
        while self.is_symbol(","):
            self.take()
            found.append(self.column(named))
        return found

    def column(self, named: bool) -> tuple[str, Expr]:
        if self.token.kind == "name" and self.peek().kind == "symbol" and self.peek().text == "=":
            name = self.name("a column name")
            self.take()
            return name, self.expr()
        if named:
            self.fail("expected 'name = expression'")
        expr = self.expr()
        return self.column_name(expr), expr

    def column_name(self, expr: Expr) -> str:
        """The name KQL gives an unnamed column: a path's segments joined by '_' (also
        inside tostring() and the like, as Microsoft's examples show), else ColumnN."""
        inner = expr
        if isinstance(inner, Call) and inner.name in ("tostring", "tolower", "toupper") \
                and len(inner.args) == 1:
            inner = inner.args[0]
        if isinstance(inner, Path):
            return "_".join([inner.column, *(str(s) for s in inner.steps)])
        self.unnamed += 1
        return f"Column{self.unnamed}"

    def order_key(self) -> tuple[Expr, bool]:
        expr = self.expr()
        descending = True  # KQL sorts descending unless told otherwise
        if self.is_word("asc", "desc"):
            descending = self.take().text == "desc"
        if self.is_word("nulls"):
            self.unsupported(self.token, "clause")
        return expr, descending

    def summarize(self) -> Summarize:
        aggregates = [self.aggregate()]
        while self.is_symbol(","):
            self.take()
            aggregates.append(self.aggregate())
        by: list[tuple[str, Expr]] = []
        if self.is_word("by"):
            self.take()
            by = self.columns(named=False)
        return Summarize(tuple(aggregates), tuple(by))

    def aggregate(self) -> Aggregate:
        """`count()` or `make_list(expr)` (a whole group's values as one array: what lets
        one row carry a subscription's resources)."""
        name = None
        if self.token.kind == "name" and self.peek().kind == "symbol" and self.peek().text == "=":
            name = self.name("a column name")
            self.take()
        token = self.token
        if not self.is_word(*AGGREGATIONS):
            if token.kind == "name":
                self.unsupported(token, "aggregation")
            self.fail("expected count() or make_list()")
        self.take()
        self.expect_symbol("(")
        if token.text == "count":
            self.expect_symbol(")")
            # [U] Microsoft's REST example names it `count` (KQL: count_)
            return Aggregate(name or "count", "count")
        arg = self.expr()
        if self.is_symbol(","):
            self.unsupported(self.token, "make_list size limit")
        self.expect_symbol(")")
        return Aggregate(name or f"list_{self.column_name(arg)}", "make_list", arg)

    # expressions
    def expr(self) -> Expr:
        terms = [self.conjunction()]
        while self.is_word("or"):
            self.take()
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else Logical("or", tuple(terms))

    def conjunction(self) -> Expr:
        terms = [self.comparison()]
        while self.is_word("and"):
            self.take()
            terms.append(self.comparison())
        return terms[0] if len(terms) == 1 else Logical("and", tuple(terms))

    def comparison(self) -> Expr:
        left = self.primary()
        token = self.token
        if token.kind == "symbol" and token.text in COMPARISONS:
            self.take()
            return Compare(token.text, left, self.primary())
        if (token.kind == "symbol" and token.text in MEMBERSHIP) or self.is_word("in"):
            self.take()
            op = token.text
            self.expect_symbol("(")
            items = [self.literal()]
            while self.is_symbol(","):
                self.take()
                items.append(self.literal())
            self.expect_symbol(")")
            return Member(op, left, tuple(items))
        if token.kind == "symbol" and token.text in ("<", ">", "<=", ">=", "<>", "+", "-", "*",
                                                        "/", "%", ":"):
            self.unsupported(token)
        if token.kind == "name" and (token.text in _WORD_OPERATORS
                                     or token.text.startswith("!")):
            self.unsupported(token)
        return left

    def literal(self) -> Literal:
        token = self.token
        if token.kind in ("string", "number"):
            self.take()
            return Literal(token.value)
        if self.is_word("true", "false"):
            self.take()
            return Literal(token.text == "true")
        if self.is_symbol("-") and self.peek().kind == "number":
            self.take()
            number = self.take().value
            assert isinstance(number, int | float)
            return Literal(-number)
        if token.kind == "name" and self.peek().kind == "symbol" and self.peek().text == "(":
            self.unsupported(token, "function")
        self.fail("expected a literal")
        raise AssertionError  # fail() raises

    def primary(self) -> Expr:
        token = self.token
        if token.kind in ("string", "number") or self.is_word("true", "false") or (
            self.is_symbol("-") and self.peek().kind == "number"
        ):
            return self.literal()
        if self.is_symbol("("):
            self.take()
            inner = self.expr()
            self.expect_symbol(")")
            return inner
        if token.kind == "name":
            if self.peek().kind == "symbol" and self.peek().text == "(":
                return self.call()
            if token.text in OPERATORS or token.text in _WORD_OPERATORS or "-" in token.text \
                    or token.text.startswith("!"):
                self.fail("expected an expression")
            return self.path()
        if token.kind == "symbol" and token.text not in (")", ",", "|", "]") \
                and token.kind != "end":
            self.unsupported(token)
        self.fail("expected an expression")
        raise AssertionError

    def call(self) -> Call:
        token = self.take()
        if token.text not in FUNCTIONS:
            self.unsupported(token, "function")
        self.expect_symbol("(")
        args: list[Expr] = []
        if not self.is_symbol(")"):
            args.append(self.expr())
            while self.is_symbol(","):
                self.take()
                args.append(self.expr())
        self.expect_symbol(")")
        if len(args) != 1 and not (token.text in VARIADIC and args):
            raise KqlError("ParserFailure", f"{token.text}() takes one argument, not "
                           f"{len(args)}", token.text, token.line, token.column)
        return Call(token.text, tuple(args))

    def path(self) -> Path:
        start = self.take()
        steps: list[str | int] = []
        while True:
            if self.is_symbol("."):
                self.take()
                steps.append(self.name("a property name"))
            elif self.is_symbol("["):
                self.take()
                index = self.token
                if index.kind == "string" or (index.kind == "number"
                                              and isinstance(index.value, int)):
                    self.take()
                    steps.append(index.value if isinstance(index.value, int)
                                 else str(index.value))
                elif self.is_symbol("-"):
                    self.unsupported(index, "negative index")
                else:
                    self.fail("expected a property name or an index")
                self.expect_symbol("]")
            else:
                return Path(start.text, tuple(steps), start.line, start.column)


def parse(text: str) -> Query:
    """The syntax tree of a query, or `KqlError` naming what is not answered and where."""
    return _Parser(text).query()



__all__ = [
    "COMPARISONS", "FUNCTIONS", "MEMBERSHIP", "OPERATORS", "TABLES", "Aggregate", "Call",
    "Compare",
    "Expr", "Extend", "Join", "KqlError", "Literal", "Logical", "Member", "Operator",
    "OrderBy", "Path", "Project", "ProjectAway", "Query", "Summarize", "Take", "Token",
    "Where", "parse", "tokenize",
]
