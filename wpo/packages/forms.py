from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Package


class PackageUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Pakket (.zip)"),
        help_text=_("Een SCORM 1.2- of SCORM 2004-pakket, bijvoorbeeld een export uit Articulate Rise."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    placement = forms.ChoiceField(
        label=_("Waar komt het pakket in het oefendeel?"),
        choices=Package.Placement.choices,
        initial=Package.Placement.INSTEAD,
        widget=forms.RadioSelect,
    )
