from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "wpo.lib"
    label = "wpo_lib"
