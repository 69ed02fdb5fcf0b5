"""The manifest's YAML read within limits: nesting depth, expanded size, no duplicate keys."""

from __future__ import annotations

from typing import Any

import yaml

from core.bundles.contract.errors import BundleError, _fail
from core.bundles.contract.spec import MAX_DEPTH, MAX_MANIFEST_BYTES, MAX_NODES


class _ManifestLoader(yaml.SafeLoader):
    """PyYAML's safe loader with limits: nesting depth, expanded size, and no duplicate keys."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _fail(
                    "bundle.yaml",
                    f"it is nested more than {MAX_DEPTH} levels deep.",
                    "A manifest needs only a few levels; start from a published bundle.yaml.",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node):
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > 30:  # Python refuses to parse past 4,300 digits; nothing meant is past 30
            raise _fail(
                "bundle.yaml",
                f"the number on line {node.start_mark.line + 1} is far too large to be meant ({digits:,} digits).",
            )
        return super().construct_yaml_int(node)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise _fail(
                        key_node.value,
                        f"the field `{_short(key_node.value)}` is given twice (line {key_node.start_mark.line + 1}).",
                        "Keep one of them; a repeated field would silently replace the other.",
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_ManifestLoader.add_constructor("tag:yaml.org,2002:int", _ManifestLoader.construct_yaml_int)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds with every alias written out (without writing them)."""
    sizes: dict[int, int] = {}
    order, stack = [], [root]
    while stack:  # children before parents, each node once
        node = stack.pop()
        if id(node) in sizes:
            continue
        sizes[id(node)] = 0
        order.append(node)
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
    for node in reversed(order):
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        sizes[id(node)] = min(MAX_NODES + 1, 1 + sum(sizes[id(c)] for c in children))
    return sizes[id(root)]


def load_yaml(text: str) -> Any:
    """Parse a manifest's YAML within the limits; raise BundleError naming what is wrong."""
    if len(text.encode("utf-8", errors="replace")) > MAX_MANIFEST_BYTES:
        raise BundleError(
            f"bundle.yaml is larger than {MAX_MANIFEST_BYTES // 1_000_000} MB, so it was not read.",
            "A manifest is a few kilobytes: keep long documents out of it.",
            field="bundle.yaml",
        )
    loader = None
    try:
        loader = _ManifestLoader(text)
        root = loader.get_single_node()
        if root is None:
            return None
        if _expanded_size(root) > MAX_NODES:
            raise _fail(
                "bundle.yaml",
                f"its aliases expand to more than {MAX_NODES:,} values.",
                "Write the fields out plainly instead of repeating them through anchors and aliases.",
            )
        return loader.construct_document(root)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or (
            f"a character it cannot hold (#x{exc.character:04x})" if isinstance(exc, yaml.reader.ReaderError) else ""
        )
        problem = problem or type(exc).__name__
        raise BundleError(
            f"bundle.yaml is not valid YAML{where}.",
            "Check the indentation and quoting around that line.",
            detail=f"YAML error in bundle.yaml{where}: {problem}",  # not the line itself: it may hold anything
            field="bundle.yaml",
        ) from None
    except RecursionError:
        raise _fail("bundle.yaml", "it is nested too deeply to read.", "Start from a published bundle.yaml.") from None
    finally:
        if loader is not None:
            loader.dispose()
