"""YAML as every file here is read: the safe loader (libyaml's parser when present), duplicate keys refused.

PyYAML keeps the last of two equal keys in one mapping without a word, so a curator who pastes a second
``text:`` into a fact silently replaces the first. Here that is an error naming the line.
"""

from __future__ import annotations

from typing import IO, Any

import yaml
from yaml.constructor import ConstructorError

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_BASE):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a mapping that repeats a key."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark.line)
            except TypeError:
                continue  # an unhashable key: the base constructor reports it
            if first != key_node.start_mark.line:
                raise ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"duplicate key {key!r} (first on line {first + 1}); keep one",
                    key_node.start_mark,
                )
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def load_yaml(stream: str | bytes | IO[str]) -> Any:
    """Parse one YAML document safely; raises yaml.YAMLError (with ``problem_mark``) on bad input."""
    return yaml.load(stream, Loader=StrictLoader)
