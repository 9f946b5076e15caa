"""Settings for the soak test's own commands (``make soak``): the production settings plus the ``soak``
app, which production does not install. The soak sets everything else through the environment."""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "soak"]  # noqa: F405
