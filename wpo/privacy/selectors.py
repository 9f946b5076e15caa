"""Reads of privacy for other apps: a person's right-of-access export, as the ZIP an administrator
downloads (the service desk puts one per person in an organisation's export before closing it)."""

from wpo.orgs.models import Person

from . import export


def person_export_zip(person: Person) -> tuple[str, bytes]:
    """(file name, ZIP) of the complete export of ``person`` (``export.export_zip`` without a viewer)."""
    return export.file_name(person, "zip"), export.export_zip(person)
