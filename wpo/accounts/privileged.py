"""Accounts with rights beyond an organisation's roles, which that organisation does not manage.

A person can hold Django rights that reach past their organisation: ``is_staff`` or
``is_superuser`` (the Django admin), or any Django permission, such as
``curriculum.edit_national_curriculum`` (the national curriculum every organisation uses). Such an
account is the service operators' to manage. An organisation's administrator therefore cannot set
its password, remove its second factor or change what it logs in with (e-mail address, employee
number); and single sign-on, whose identity provider the organisation's administrator controls,
is not a second factor for it: after single sign-on it still types a code from its own app.

The rule itself is ``user_has_extra_rights`` in wpo/orgs/permissions.py, asked of a ``User`` (the
Django admin and single sign-on know the account before they know a person).
"""

from django.utils.translation import gettext_lazy as _

from wpo.orgs.permissions import user_has_extra_rights

from .models import User

MANAGED_BY_OPERATORS = _(
    "Dit account heeft extra rechten buiten uw organisatie. Het wachtwoord, de tweestapsverificatie en "
    "de manier van inloggen (e-mailadres, personeelsnummer) beheren de beheerders van de dienst. "
    "Vraag het hun."
)


def has_extra_rights(user: User) -> bool:
    return user_has_extra_rights(user)
