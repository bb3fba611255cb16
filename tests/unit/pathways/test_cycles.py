"""Cycles are found however deep, and named as the shortest loop."""

from __future__ import annotations

from credstack.pathways import find_cycle


def test_self_requirement_is_a_cycle() -> None:
    assert find_cycle({"cert": {"cert"}}, "cert") == ["cert", "cert"]


def test_the_shortest_loop_is_named() -> None:
    edges = {"a": {"b", "c"}, "b": {"c"}, "c": {"a", "x"}, "x": set()}
    assert find_cycle(edges, "a") == ["a", "c", "a"]


def test_a_loop_that_does_not_pass_start_is_not_its_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"b"}}, "a") is None


def test_a_long_chain_back_to_start() -> None:
    edges = {f"n{i}": {f"n{i + 1}"} for i in range(5000)}
    edges["n5000"] = {"n0"}
    cycle = find_cycle(edges, "n0")
    assert cycle is not None
    assert (cycle[0], cycle[-1], len(cycle)) == ("n0", "n0", 5002)
