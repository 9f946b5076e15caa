from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wpo.accounts.models import User
from wpo.lib import ids
from wpo.lib.forms import label_with, model_choice

from .models import Department, Person, Role


class DepartmentForm(forms.ModelForm[Department]):
    class Meta:
        model = Department
        fields = ["name", "agreed_capacity"]

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization_id = organization_id

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = Department.objects.filter(organization_id=self.organization_id, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Er is al een afdeling met deze naam."))
        return name


def _in_dutch(error: ValidationError) -> ValidationError:
    """Django's Dutch translation lacks the message of the minimum length (its English text
    changed); the other validators' messages are translated by Django itself."""
    if error.code == "password_too_short":
        min_length = (error.params or {}).get("min_length", 10)
        return ValidationError(
            _("Dit wachtwoord is te kort. Gebruik minstens %(min_length)d tekens."),
            code=error.code,
            params={"min_length": min_length},
        )
    return error


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    email = forms.EmailField(label=_("E-mailadres"), required=False)
    employee_number = forms.CharField(label=_("Personeelsnummer"), max_length=50, required=False)
    department = forms.ModelChoiceField(
        label=_("Afdeling"), queryset=Department.objects.none(), required=False, empty_label=_("Geen afdeling")
    )
    roles = forms.MultipleChoiceField(
        label=_("Rollen"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Iemand kan meer rollen hebben."),
    )
    trainers = ids.ModelMultipleChoiceField(
        label=_("Werkplekopleider(s)"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Alleen nodig voor een deelnemer."),
    )
    password = forms.CharField(
        label=_("Wachtwoord"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Laat leeg om het wachtwoord niet te veranderen."),
    )

    def __init__(
        self,
        *args: Any,
        organization_id: int,
        departments: Any,
        trainers: Any,
        person: Person | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization_id = organization_id
        self.person = person
        if person is None:
            self.fields["password"].help_text = _(
                "Niet nodig voor een deelnemer. Laat leeg als de persoon later zelf een wachtwoord krijgt."
            )
        model_choice(self, "department").queryset = departments
        model_choice(self, "trainers").queryset = trainers
        label_with(self, "trainers", lambda p: p.name)

    def clean_employee_number(self) -> str:
        number: str = self.cleaned_data["employee_number"].strip()
        if number:
            clash = Person.objects.filter(organization_id=self.organization_id, employee_number=number)
            if self.person is not None:
                clash = clash.exclude(pk=self.person.pk)
            if clash.exists():
                raise forms.ValidationError(_("Dit personeelsnummer hoort al bij iemand anders."))
        return number

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if password:
            # AUTH_PASSWORD_VALIDATORS (length, common, only digits, too like the name or e-mail).
            try:
                password_validation.validate_password(password, self._account_as_saved())
            except ValidationError as exc:
                raise forms.ValidationError([_in_dutch(error) for error in exc.error_list]) from None
        return password

    def _account_as_saved(self) -> User:
        """The account with the names and e-mail from this form (not saved), so that a password
        like the person's own name is refused for a new person and after a change of name too."""
        current = self.person.user if self.person is not None else None
        data = self.cleaned_data
        return User(
            username=current.username if current is not None else "",
            first_name=data.get("first_name", current.first_name if current is not None else ""),
            last_name=data.get("last_name", current.last_name if current is not None else ""),
            email=data.get("email", current.email if current is not None else ""),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.person is not None and data.get("trainers") and self.person in data["trainers"]:
            self.add_error("trainers", _("Iemand kan niet zijn of haar eigen werkplekopleider zijn."))
        return data


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-bestand"),
        help_text=_("Een export uit het personeelssysteem, met kolomnamen op de eerste regel."),
    )


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("Een PNG- of JPEG-plaatje van hoogstens 1 MB. Het logo staat op de certificaten."),
        error_messages={"required": _("Kies een bestand met het logo."), "empty": _("Dit bestand is leeg.")},
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def clean_logo(self) -> Any:
        from django.core.exceptions import ValidationError

        from .logo import check_logo

        upload = self.cleaned_data["logo"]
        try:
            check_logo(upload)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        return upload
