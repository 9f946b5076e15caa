from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User

# What PersonMiddleware puts on the request, loaded with the user of the session in the one query
# every request makes for it (wpo/orgs/middleware.py): the person, their organisation with its
# security policy, and their department.
PERSON_RELATED = (
    "person",
    "person__organization",
    "person__organization__security_policy",
    "person__department",
)


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username or, when it is unambiguous, the e-mail address."""

    def get_user(self, user_id: Any) -> User | None:
        """The session's user as ``ModelBackend`` gives it (only an active one), with its person in
        the same query."""
        try:
            user = User._default_manager.select_related(*PERSON_RELATED).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or password is None:
            return None
        identifier = username.strip()
        user = User.objects.filter(username__iexact=identifier).first()
        if user is None and "@" in identifier:
            matches = list(User.objects.filter(email__iexact=identifier)[:2])
            # Two accounts sharing an address (a shared team mailbox) cannot log in by e-mail.
            user = matches[0] if len(matches) == 1 else None
        if user is None:
            # Spend the same time as a real check so timing does not reveal which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
