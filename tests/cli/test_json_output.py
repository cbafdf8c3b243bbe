"""`--json` writes what `json.dumps` would (compact, or `indent=2` with `--pretty`), whether
lists are streamed or not."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cli.inprocess import run_main
from tui.commands.json_output import Stream, write

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=20)


def written(document: Any, pretty: bool) -> str:
    out = io.StringIO()
    write(document, pretty=pretty, out=out)
    return out.getvalue()


def expected(document: Any, pretty: bool) -> str:
    if pretty:
        return json.dumps(document, indent=2) + "\n"
    return json.dumps(document, separators=(",", ":")) + "\n"


@given(values, st.booleans())
def test_any_document_is_written_as_json_dumps_writes_it(document: Any, pretty: bool) -> None:
    assert written(document, pretty) == expected(document, pretty)


@given(st.lists(values, max_size=5), st.dictionaries(st.text(max_size=5), values, max_size=3),
       st.booleans())
def test_streamed_lists_come_out_the_same(items: list[Any], extra: dict[str, Any],
                                          pretty: bool) -> None:
    assert written(Stream(iter(items)), pretty) == expected(items, pretty)
    document = {"items": Stream(x for x in items), **{k: v for k, v in extra.items()
                                                      if k != "items"}}
    plain = {"items": items, **{k: v for k, v in extra.items() if k != "items"}}
    assert written(document, pretty) == expected(plain, pretty)


def test_a_long_stream_is_written_in_chunks_not_at_the_end() -> None:
    writes: list[int] = []

    class Counting(io.StringIO):
        def write(self, text: str) -> int:
            writes.append(len(text))
            return super().write(text)

    out = Counting()
    items = ({"id": f"/subscriptions/s/vnet-{n:05d}", "n": n} for n in range(20_000))
    write(Stream(items), out=out)
    assert len(writes) > 5
    assert json.loads(out.getvalue())[-1]["n"] == 19_999


def test_pretty_indents_and_json_is_compact(
    make_sandbox: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(make_sandbox("showcase"))
    compact = run_main(capsys, "--sandbox", "--sandbox-state", path, "list", "vnets", "--json")
    pretty = run_main(capsys, "--sandbox", "--sandbox-state", path, "list", "vnets", "--pretty")
    assert compact.returncode == pretty.returncode == 0
    assert compact.stdout.count("\n") == 1
    assert '": ' not in compact.stdout
    assert '", "' not in compact.stdout
    assert pretty.stdout == json.dumps(json.loads(compact.stdout), indent=2) + "\n"
    conflicts = run_main(capsys, "--sandbox", "--sandbox-state", path, "conflicts", "--pretty")
    assert conflicts.returncode == 1
    assert json.loads(conflicts.stdout)["overlaps"]
    assert conflicts.stdout.startswith('{\n  "overlaps": [\n    {\n      "group": 1,')
