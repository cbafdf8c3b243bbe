"""The KQL subset: parsed over its grammar, refused by name outside it, evaluated as KQL
reads (pure: no store, no SDK)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.sandbox.graph.endpoint import pushed_types
from tui.sandbox.graph.evaluate import TABLE_SCHEMA, Encoded, Row, check, run
from tui.sandbox.graph.kql import (
    Call,
    Compare,
    KqlError,
    Literal,
    Path,
    Project,
    Summarize,
    Take,
    Where,
    parse,
)

BASIC = "Resources | project id, name, type, location, tags | limit 3"
PROPERTIES = ("Resources | where type =~ 'Microsoft.Compute/virtualMachines' | summarize "
              "count() by tostring(properties.storageProfile.osDisk.osType)")


def test_the_published_examples_parse_to_their_shapes() -> None:
    basic = parse(BASIC)
    assert basic.table == "resources"
    project, take = basic.operators
    assert isinstance(project, Project)
    assert isinstance(take, Take)
    assert [name for name, _ in project.columns] == ["id", "name", "type", "location", "tags"]
    assert take.rows == 3
    assert [name for name, _ in check(basic)] == ["id", "name", "type", "location", "tags"]

    props = parse(PROPERTIES)
    where, summarize = props.operators
    assert isinstance(where, Where)
    assert isinstance(summarize, Summarize)
    assert where.condition == Compare(
        "=~", Path("type", (), 1, 19), Literal("Microsoft.Compute/virtualMachines"))
    (name, expr), = summarize.by
    assert name == "properties_storageProfile_osDisk_osType"
    assert isinstance(expr, Call)
    assert expr.name == "tostring"
    assert check(props) == [("properties_storageProfile_osDisk_osType", "string"),
                            ("count", "long")]


@pytest.mark.parametrize(("text", "table", "first"), [
    ("resources", "resources", None),
    ("ResourceContainers | take 1", "resourcecontainers", Take),
    ("where name == 'x'", "resources", Where),  # no table: Resource Graph reads resources
    ("// inventory\nresources\n| project id // all\n", "resources", Project),
])
def test_tables_and_comments(text: str, table: str, first: type | None) -> None:
    query = parse(text)
    assert query.table == table
    if first is not None:
        assert isinstance(query.operators[0], first)


@pytest.mark.parametrize(("text", "code", "token"), [
    ("resources | mv-expand properties.subnets", "UnsupportedOperator", "mv-expand"),
    ("resources | join (resourcecontainers) on subscriptionId", "UnsupportedOperator", "join"),
    ("resources | where name contains 'hub'", "UnsupportedOperator", "contains"),
    ("resources | where name !contains 'hub'", "UnsupportedOperator", "!contains"),
    ("resources | where name startswith 'hub'", "UnsupportedOperator", "startswith"),
    ("resources | where strlen(name) == 3", "UnsupportedOperator", "strlen"),
    ("resources | where properties.x > 3", "UnsupportedOperator", ">"),
    ("resources | summarize dcount(name) by type", "UnsupportedOperator", "dcount"),
    ("resources | summarize count(), dcount(name) by type", "UnsupportedOperator", "dcount"),
    ("resources | summarize make_list(name, 10)", "UnsupportedOperator", ","),
    ("resources | order by name asc nulls last", "UnsupportedOperator", "nulls"),
    ("resources | distinct type", "UnsupportedOperator", "distinct"),
    ("resources | count", "UnsupportedOperator", "count"),
    ("securityresources | take 1", "UnsupportedOperator", "securityresources"),
    ("let x = 1; resources", "UnsupportedOperator", "let"),
    ("resources; resourcecontainers", "UnsupportedOperator", ";"),
    ("resources | where type in~ (dynamic(['a']))", "UnsupportedOperator", "dynamic"),
    ("resources | where", "ParserFailure", ""),
    ("resources | where name == 'open", "ParserFailure", "'"),
    ("resources | project", "ParserFailure", ""),
    ("resources | take many", "ParserFailure", "many"),
    ("resources | where name == 'a' name", "ParserFailure", "name"),
    ("resources | where name == 'a' #", "ParserFailure", "#"),
    ("resources | project tostring(name, id)", "ParserFailure", "tostring"),
])
def test_anything_else_is_refused_by_name(text: str, code: str, token: str) -> None:
    with pytest.raises(KqlError) as caught:
        parse(text)
    assert caught.value.code == code
    assert caught.value.token == token
    assert caught.value.line >= 1
    assert caught.value.column >= 1


def test_the_error_points_at_the_operator() -> None:
    with pytest.raises(KqlError) as caught:
        parse("resources\n| where type =~ 'x'\n| mv-expand properties")
    assert (caught.value.line, caught.value.column) == (3, 3)


@pytest.mark.parametrize(("text", "message"), [
    ("resources | where Type =~ 'x'", "'Type'"),  # KQL names are case-sensitive
    ("resources | project name | where type =~ 'x'", "'type'"),
    ("resources | project-away nothing", "'nothing'"),
    ("resources | where name.first == 'x'", "no properties"),
    ("resources | project name, name", "twice"),
    ("resources | where name", "true/false"),
    ("resources | summarize count() by type | project name", "'name'"),
    ("resources | summarize count(), count() by type", "twice"),
    ("resources | summarize make_list(nothing) by type", "'nothing'"),
])
def test_columns_are_resolved_before_any_row_is_read(text: str, message: str) -> None:
    with pytest.raises(KqlError, match=message):
        check(parse(text))


def _rows(*values: dict[str, Any]) -> list[Row]:
    out = []
    for n, given_values in enumerate(values):
        row = {name: None for name, _ in TABLE_SCHEMA}
        row.update({"id": f"/r/{n}", "name": f"r{n}", "type": "t", "tags": {}})
        row.update(given_values)
        out.append(Row(row, f"/r/{n}"))
    return out


def _names(text: str, rows: list[Row]) -> list[Any]:
    return [r.values.get("name") for r in run(parse(text), rows).all()]


def test_comparisons_read_as_kql_does() -> None:
    rows = _rows(
        {"name": "Hub", "type": "microsoft.network/virtualnetworks",
         "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "n": 5}},
        {"name": "hub", "type": "microsoft.compute/virtualmachines", "properties": {"n": "5"}},
        {"name": "spoke", "type": "microsoft.network/virtualnetworks", "properties": {}},
    )
    assert _names("resources | where name == 'hub'", rows) == ["hub"]
    assert _names("resources | where name =~ 'HUB'", rows) == ["Hub", "hub"]
    assert _names("resources | where name != 'hub'", rows) == ["Hub", "spoke"]
    assert _names("resources | where name !~ 'hub'", rows) == ["spoke"]
    assert _names("resources | where type in~ ('Microsoft.Compute/virtualMachines')",
                  rows) == ["hub"]
    assert _names("resources | where name in ('Hub', 'spoke')", rows) == ["Hub", "spoke"]
    assert _names("resources | where name !in~ ('HUB')", rows) == ["spoke"]
    assert _names("resources | where isnotempty(properties.addressSpace)", rows) == ["Hub"]
    assert _names("resources | where isempty(properties.addressSpace)", rows) == [
        "hub", "spoke"]
    # A missing property is null: equal to nothing, unequal to nothing.
    assert _names("resources | where properties.n == 5", rows) == ["Hub", "hub"]
    assert _names("resources | where properties.n != 5", rows) == []
    assert _names("resources | where properties.missing == ''", rows) == []
    assert _names("resources | where properties.missing =~ ''", rows) == ["Hub", "hub",
                                                                           "spoke"]
    assert _names("resources | where name == 'spoke' or properties.n == 5 and name =~ 'HUB'",
                  rows) == ["Hub", "hub", "spoke"]
    assert _names("resources | where (name == 'spoke' or properties.n == 5) and name == 'Hub'",
                  rows) == ["Hub"]
    assert _names("resources | where not(name == 'Hub')", rows) == ["hub", "spoke"]
    assert _names("resources | where properties['addressSpace'].addressPrefixes[0] == "
                  "'10.0.0.0/16'", rows) == ["Hub"]


def test_project_extend_and_names() -> None:
    rows = _rows({"name": "a", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/8"]},
                                              "subnets": [{"name": "default"}]},
                  "tags": {"env": "prod"}})
    result = run(parse("resources | project name, properties.addressSpace.addressPrefixes, "
                       "env = tags.env, first = tostring(properties.subnets[0].name), "
                       "upper = toupper(name), whole = tostring(properties.subnets)"), rows)
    assert result.all()[0].values == {
        "name": "a", "properties_addressSpace_addressPrefixes": ["10.0.0.0/8"], "env": "prod",
        "first": "default", "upper": "A", "whole": '[{"name":"default"}]',
    }
    extended = run(parse("resources | project id, name | extend name = toupper(name), n = 1"),
                   rows)
    first = extended.all()[0]
    assert list(first.values) == ["id", "name", "n"]
    assert first.values["name"] == "A"
    away = run(parse("resources | project-away properties, tags, sku"), rows)
    (kept,) = away.all()
    assert "properties" not in kept.values
    assert "id" in kept.values


def test_order_take_and_summarize() -> None:
    rows = _rows({"name": "b", "location": "westus"}, {"name": "a", "location": "eastus"},
                 {"name": "c", "location": "westus"}, {"name": None, "location": "westus"})
    assert _names("resources | order by name", rows) == ["c", "b", "a", None]  # desc default
    assert _names("resources | order by name asc", rows) == [None, "a", "b", "c"]
    assert _names("resources | sort by location asc, name desc", rows) == ["a", "c", "b", None]
    assert _names("resources | order by name asc | take 2", rows) == [None, "a"]
    counted = run(parse("resources | summarize count() by location"), rows)
    assert [r.values for r in counted.all()] == [
        {"location": "eastus", "count": 1}, {"location": "westus", "count": 3}]
    named = run(parse("resources | summarize n = count()"), rows)
    assert [r.values for r in named.all()] == [{"n": 4}]


def test_make_list_gathers_each_group_in_the_order_of_its_rows() -> None:
    rows = _rows({"name": "b", "location": "westus", "properties": {"n": 1}},
                 {"name": "a", "location": "eastus"},
                 {"name": "c", "location": "westus", "properties": {"n": 3}})
    query = parse("resources | summarize rows = make_list(pack_array(name, properties.n)), "
                  "n = count() by location")
    assert check(query) == [("location", "string"), ("rows", "dynamic"), ("n", "long")]
    assert [r.values for r in run(query, rows).all()] == [
        {"location": "eastus", "rows": [["a", None]], "n": 1},
        {"location": "westus", "rows": [["b", 1], ["c", 3]], "n": 2},
    ]
    # Nulls are left out of a list; an unnamed list is named after its column.
    plain = run(parse("resources | summarize make_list(properties.n)"), rows)
    assert [r.values for r in plain.all()] == [{"list_properties_n": [1, 3]}]
    # Given as JSON text when nothing after the summarize reads the lists.
    (encoded,) = run(parse("resources | summarize l = make_list(name)"), rows,
                     encode_lists=True).all()
    assert type(encoded.values["l"]) is Encoded
    assert json.loads(encoded.values["l"]) == ["b", "a", "c"]


def test_the_type_filter_is_read_from_the_leading_wheres() -> None:
    assert pushed_types(parse("resources | where type =~ 'Microsoft.Network/virtualNetworks'")) \
        == {"microsoft.network/virtualnetworks"}
    assert pushed_types(parse("resources | where type in~ ('A/b', 'C/d') and name == 'x'")) \
        == {"a/b", "c/d"}
    assert pushed_types(parse("resources | where type == 'Microsoft.Network/x'")) == set()
    assert pushed_types(parse("resources | where type == 'a/b' or name == 'x'")) is None
    assert pushed_types(parse("resources | take 5 | where type =~ 'a/b'")) is None
    assert pushed_types(parse("resources | order by name | where type =~ 'a/b' "
                              "| where type =~ 'c/d'")) == set()


# --- property test: random filters against a plain Python reading of the same filter ------
NAMES = ["hub", "Hub", "spoke1", "SPOKE1", "vm1", ""]
TYPES = ["microsoft.network/virtualnetworks", "microsoft.compute/virtualmachines"]
LOCATIONS = ["westeurope", "WestEurope", "eastus"]

row_values = st.fixed_dictionaries({
    "name": st.sampled_from(NAMES),
    "type": st.sampled_from(TYPES),
    "location": st.sampled_from(LOCATIONS),
    "properties": st.one_of(st.just({}), st.fixed_dictionaries({
        "state": st.sampled_from(["Connected", "connected", "Initiated", ""])})),
})

leaf = st.one_of(
    st.tuples(st.just("=="), st.sampled_from(["name", "type", "location"]),
              st.sampled_from(NAMES + TYPES + LOCATIONS)),
    st.tuples(st.just("=~"), st.sampled_from(["name", "type", "location"]),
              st.sampled_from(NAMES + TYPES + LOCATIONS)),
    st.tuples(st.just("in~"), st.sampled_from(["name", "location"]),
              st.lists(st.sampled_from(NAMES + LOCATIONS), min_size=1, max_size=3)),
    st.tuples(st.just("isnotempty"), st.just("properties.state"), st.just(None)),
    st.tuples(st.just("state=="), st.just("properties.state"),
              st.sampled_from(["Connected", "Initiated"])),
)
condition = st.recursive(
    leaf, lambda inner: st.tuples(st.sampled_from(["and", "or"]), inner, inner), max_leaves=5)


def _kql(cond: Any) -> str:
    op = cond[0]
    if op in ("and", "or"):
        return f"({_kql(cond[1])} {op} {_kql(cond[2])})"
    column, value = cond[1], cond[2]
    if op == "in~":
        return f"{column} in~ ({', '.join(repr(v) for v in value)})"
    if op == "isnotempty":
        return f"isnotempty({column})"
    if op == "state==":
        return f"{column} == {value!r}"
    return f"{column} {op} {value!r}"


def _python(cond: Any, row: dict[str, Any]) -> bool:
    op = cond[0]
    if op == "and":
        return _python(cond[1], row) and _python(cond[2], row)
    if op == "or":
        return _python(cond[1], row) or _python(cond[2], row)
    state = row["properties"].get("state")
    if op == "isnotempty":
        return state not in (None, "")
    if op == "state==":
        return state == cond[2]
    value = row[cond[1]]
    if op == "==":
        return bool(value == cond[2])
    if op == "=~":
        return bool(value.lower() == cond[2].lower())
    return value.lower() in {v.lower() for v in cond[2]}


@given(st.lists(row_values, min_size=1, max_size=12), condition,
       st.sampled_from(["name", "location", "type"]))
def test_random_filters_match_a_python_reading(
    values: list[dict[str, Any]], cond: Any, column: str
) -> None:
    rows = _rows(*values)
    expected = [r.values[column] for r in rows if _python(cond, r.values)]
    text = f"resources | where {_kql(cond)} | project {column}, id"
    result = run(parse(text), _rows(*values))
    assert [r.values[column] for r in result.all()] == expected
    assert [name for name, _ in result.columns] == [column, "id"]


WORDS = ["resources", "resourcecontainers", "|", "where", "project", "project-away", "extend",
         "order", "sort", "by", "asc", "desc", "take", "limit", "summarize", "count", "(", ")",
         ",", ".", "[", "]", "=", "==", "=~", "!=", "!~", "in", "in~", "!in", "!in~", "and", "or",
         "not", "tostring", "isnotempty", "name", "type", "properties", "x", "'a'", '"b"', "3",
         "-", "<", "//", "\n", "@'c'", "mv-expand", "!contains", "true", "nulls", ";", "~", "!"]


@given(st.one_of(st.text(max_size=60),
                 st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join)))
def test_any_text_parses_or_is_refused_never_crashes(text: str) -> None:
    refusal: KqlError | None = None
    try:
        query = parse(text)
        columns = check(query)
        result = run(query, _rows({"name": "a", "properties": {"x": [1, {"y": None}]}}))
        result.all()
    except KqlError as error:
        refusal = error
    if refusal is not None:
        codes = ("ParserFailure", "UnsupportedOperator", "ResolveError", "SemanticError")
        assert refusal.code in codes
        assert refusal.message
    else:
        assert [name for name, _ in result.columns] == [name for name, _ in columns]


def _table(*records: dict[str, Any]) -> list[Row]:
    return [Row({name: r.get(name) for name, _ in TABLE_SCHEMA}, r["id"]) for r in records]


def test_join_matches_keys_keeps_unmatched_left_rows_and_orders_every_match_apart() -> None:
    vms = _table({"id": "a", "type": "vm"}, {"id": "b", "type": "vm"}, {"id": "c", "type": "vm"})
    nics = _table({"id": "n1", "type": "nic", "name": "A"}, {"id": "n2", "type": "nic",
                                                          "name": "a"},
                 {"id": "n3", "type": "nic", "name": "b"}, {"id": "n4", "type": "nic"})
    text = ("resources | where type == 'vm' | project id, key = tolower(id) "
            "| join kind={} (resources | where type == 'nic' "
            "| project nic = id, key = tolower(name)) on key")

    def lookup(part: Any) -> list[Row]:
        assert part.table == "resources"
        return _table(*({"id": r.values["id"], "type": r.values["type"],
                        "name": r.values["name"]} for r in nics))

    left = run(parse(text.format("leftouter")), vms, lookup=lookup).all()
    assert [(r.values["id"], r.values["nic"], r.values["key1"]) for r in left] == [
        ("a", "n1", "a"), ("a", "n2", "a"), ("b", "n3", "b"), ("c", None, None)]
    assert len({r.position() for r in left}) == 4  # a page boundary may fall between a's
    inner = run(parse(text.format("inner")), _table(*({"id": i, "type": "vm"} for i in "abc")),
                lookup=lookup).all()
    assert [r.values["id"] for r in inner] == ["a", "a", "b"]  # n4's null key matches none
    assert [n for n, _ in check(parse(text.format("inner")))] == ["id", "key", "nic", "key1"]


@pytest.mark.parametrize(("text", "token"), [
    ("resources | join (resources) on id", "join"),  # KQL's default kind, innerunique
    ("resources | join kind=fullouter (resources) on id", "fullouter"),
])
def test_other_joins_are_refused_by_name(text: str, token: str) -> None:
    with pytest.raises(KqlError) as refused:
        parse(text)
    assert (refused.value.code, refused.value.token) == ("UnsupportedOperator", token)
    with pytest.raises(KqlError, match="resolve"):
        check(parse("resources | join kind=inner (resources | project x = id) on id"))
