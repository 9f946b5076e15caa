"""Fixtures the attack tests share: the in-process OpenID provider of tests/test_sso.py."""

from ..test_sso import idp, idp_server, provider  # noqa: F401 - fixtures for tests in this package
