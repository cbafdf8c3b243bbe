"""`:` command mode: aliases, arguments, completion, and a sentence for every mistake."""

from __future__ import annotations

from tui.explorer.commands import Command, complete, parse


def test_aliases_and_arguments() -> None:
    assert parse(":vn") == Command("vnets")
    assert parse("sub Contoso Platform") == Command("subs", ("Contoso", "Platform"))
    assert parse(":check vm1 vm2 80") == Command("check", ("vm1", "vm2", "80"))
    assert parse(":q") == Command("quit")
    assert parse(":peer vnet2") == Command("peer", ("vnet2",))


def test_mistakes_are_sentences() -> None:
    assert "Did you mean vnets, vms" in str(parse(":vx"))
    assert "check needs a source VM" in str(parse(":check vm1"))
    assert "not a port" in str(parse(":check vm1 vm2 99999"))
    assert "takes no arguments" in str(parse(":conflicts now"))
    assert "Type a command" in str(parse(":"))


def test_completion_of_commands_and_names() -> None:
    vnets, vms, subs = ["vnet1", "hub-vnet"], ["vm1", "vm2"], ["AZ-303 Lab"]
    assert complete(":con", vnets, vms, subs) == ":conflicts"
    assert complete(":sub AZ", vnets, vms, subs) == ":sub AZ-303 Lab"
    assert complete(":peer hub", vnets, vms, subs) == ":peer hub-vnet"
    assert complete(":check vm1 v", vnets, vms, subs) == ":check vm1 vm1"
    assert complete(":zz", vnets, vms, subs) is None
