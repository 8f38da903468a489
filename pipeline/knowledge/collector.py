"""Collecting knowledge issues: every problem in every file is reported in one run, each naming its file and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from pipeline.errors import KnowledgeIssue
from pipeline.yamlfile import load_yaml

M = TypeVar("M", bound=BaseModel)


class Collector:
    """Accumulates issues so one run reports everything wrong, not just the first thing."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.issues: list[KnowledgeIssue] = []

    def add(self, path: Path | str, field: str, message: str) -> None:
        shown = str(path.relative_to(self.root)) if isinstance(path, Path) else path
        self.issues.append(KnowledgeIssue(shown, field, message))

    def read(self, path: Path) -> Any:
        try:
            with path.open(encoding="utf-8") as handle:
                return load_yaml(handle)  # safe, in C when available; duplicate keys refused
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "(parse)"
            self.add(path, where, f"invalid YAML: {getattr(exc, 'problem', exc)}; fix the syntax")
        except OSError as exc:
            self.add(path, "(file)", f"cannot read: {exc.strerror}")
        return None

    def model(self, path: Path, data: Any, cls: type[M], prefix: str = "") -> M | None:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = format_loc(prefix, err["loc"], data)
                self.add(path, loc, explain(err))
            return None


def format_loc(prefix: str, loc: tuple[int | str, ...], data: Any) -> str:
    """Render a pydantic location as ``facts[2] (fact-id).text`` for humans."""
    out = prefix
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" ({node['id']})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def explain(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field; remove it or check its spelling"
    if err["type"] == "missing":
        return "required field is missing"
    return str(err["msg"])
