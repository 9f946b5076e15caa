"""The writes of the curriculum, one module per part (each write one transaction that refuses on its
own): ``content`` (loading content files and exchange documents, an assignment's text, skills),
``editions`` (the national curriculum's draft edition, publishing it, who has read a new one) and
``local_examples`` (an organisation's own photo and line of context beside an assignment)."""

from . import content, editions, local_examples
from .content import (
    ContentInvalid,
    PublishRefused,
    assignment_check,
    assignment_save,
    curriculum_export,
    curriculum_from_directory,
    curriculum_from_document,
    curriculum_load,
    skill_save,
    store_video,
)
from .editions import (
    LoadReport,
    draft_assignment_withdraw,
    edition_draft_update,
    edition_mark_seen,
    edition_publish,
)
from .local_examples import local_example_delete, local_example_save

__all__ = [
    "ContentInvalid",
    "LoadReport",
    "PublishRefused",
    "assignment_check",
    "assignment_save",
    "content",
    "curriculum_export",
    "curriculum_from_directory",
    "curriculum_from_document",
    "curriculum_load",
    "draft_assignment_withdraw",
    "edition_draft_update",
    "edition_mark_seen",
    "edition_publish",
    "editions",
    "local_example_delete",
    "local_example_save",
    "local_examples",
    "skill_save",
    "store_video",
]
