"""Reading YAML that someone else wrote: no anchors or aliases, a size cap and a nesting cap.

``yaml.safe_load`` constructs nothing dangerous, but it does expand aliases: ``&a`` names a node
and every ``*a`` refers to it again, so a few kilobytes of nested aliases ("billion laughs") stand
for millions of nodes. The loader shares them, yet everything that walks the result afterwards
(the content check, JSON for the database, the preview) pays for each one: 21 kB in the assignment
editor became 2.25 million dicts and 432 MiB. Our content never needs an anchor, so the composer
here refuses the first anchor or alias it meets, before anything is built. Pure Python without
Django, like ``content_format``, which reads the content files with it.
"""

from typing import Any

import yaml
from yaml.events import AliasEvent, NodeEvent

# One assignment file is under 7 kB and its questions under 3 kB; these leave room to grow.
MAX_FILE_CHARS = 100_000
MAX_DEPTH = 20


class YamlRefused(ValueError):
    """The text is not read. ``kind``: too_large, alias, too_deep or syntax; ``line`` counts from 1."""

    def __init__(self, kind: str, line: int | None = None, limit: int = 0, detail: str = "") -> None:
        super().__init__(f"{kind} (line {line}): {detail}" if line else kind)
        self.kind = kind
        self.line = line
        self.limit = limit
        self.detail = detail

    def dutch(self) -> str:
        """The reason in plain Dutch, for ``content_format`` (which runs without Django's translations)."""
        where = f" (regel {self.line})" if self.line else ""
        if self.kind == "too_large":
            return f"is te groot: hoogstens {self.limit} tekens"
        if self.kind == "alias":
            return f"gebruikt ankers (&) of verwijzingen (*){where}; schrijf alles helemaal uit"
        if self.kind == "too_deep":
            return f"is te diep genest{where}: hoogstens {self.limit} niveaus"
        return f"geen geldige YAML{where} ({self.detail})"


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader whose composer refuses anchors and aliases, and nesting deeper than MAX_DEPTH."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor is not None):
            raise YamlRefused("alias", line)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise YamlRefused("too_deep", line, MAX_DEPTH)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _PlainDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    """YAML for the editor: shared parts written out in full, so what ``load`` reads back never has aliases."""
    return yaml.dump(data, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, width=100)


def load(text: str, *, max_chars: int = MAX_FILE_CHARS) -> Any:
    """The YAML document in ``text``, or ``YamlRefused``; never any other exception."""
    if len(text) > max_chars:
        raise YamlRefused("too_large", limit=max_chars)
    loader = _PlainLoader(text)
    try:
        return loader.get_single_data()
    except YamlRefused:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlRefused(
            "syntax", mark.line + 1 if mark else None, detail=str(getattr(exc, "problem", "") or exc)
        ) from exc
    except (ValueError, RecursionError) as exc:
        # ValueError: an integer of more than 4300 digits (Python's own limit on int()).
        raise YamlRefused("syntax", detail=type(exc).__name__) from exc
    finally:
        loader.dispose()
