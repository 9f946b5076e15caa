"""The administrator's pages: people, departments and the CSV import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wpo.accounts.services import login_locked_until, login_unlock
from wpo.orgs.permissions import Ability

from . import access, people_import
from .forms import DepartmentForm, LogoForm, PeopleImportForm, PersonForm
from .logo import logo_content_type, organization_logo_remove, organization_logo_set
from .models import Department, PeopleImport, Person, Role
from .services import department_delete, department_save, person_create, person_update

admin_only = access.ability_required(Ability.MANAGE_PEOPLE)
PAGE_SIZE = 50


@admin_only
def people(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    qs = access.people(me).order_by("user__last_name", "user__first_name")
    query = request.GET.get("q", "").strip()
    if query:
        from django.db.models import Q

        qs = qs.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(employee_number__iexact=query)
            | Q(user__username__icontains=query)
        )
    from django.core.paginator import Paginator

    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "orgs/people.html", {"page": page, "query": query})


def _person_form(request: HttpRequest, me: Person, person: Person | None) -> PersonForm:
    departments = access.in_org(me, Department)
    trainers = access.people(me).filter(is_trainer=True).order_by("user__first_name")
    initial = {}
    if person is not None:
        initial = {
            "first_name": person.user.first_name,
            "last_name": person.user.last_name,
            "email": person.user.email,
            "employee_number": person.employee_number,
            "department": person.department_id,
            "roles": [r.value for r in person.roles],
            "trainers": list(person.trainers.values_list("pk", flat=True)),
        }
    return PersonForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organization_id=me.organization_id,
        departments=departments,
        trainers=trainers if person is None else trainers.exclude(pk=person.pk),
        person=person,
    )


@admin_only
def person_new(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    form = _person_form(request, me, None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = person_create(
                organization=me.organization,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password"] or None,
                department=data["department"],
                employee_number=data["employee_number"],
                roles=[Role(r) for r in data["roles"]],
                trainers=data["trainers"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s is toegevoegd. Gebruikersnaam: %(username)s.")
                % {"name": person.name, "username": person.user.username},
            )
            return redirect("orgs:people")
    return render(request, "orgs/person_form.html", {"form": form, "person": None})


@admin_only
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    me = access.person_of(request)
    person = access.access_person_for_admin(me, person_id)
    form = _person_form(request, me, person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        roles = [Role(r) for r in data["roles"]]
        try:
            person_update(
                actor=me,
                person=person,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                department=data["department"],
                employee_number=data["employee_number"],
                roles=roles,
                trainers=data["trainers"],
                password=data["password"] or None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De gegevens van %(name)s zijn opgeslagen.") % {"name": person.name})
            return redirect("orgs:people")
    context = {
        "form": form,
        "person": person,
        "login_locked": login_locked_until(person) is not None,
        # Only a participant's data is anonymised on request (wpo/privacy/services.py), never one's own.
        "offers_anonymisation": person.is_participant and person.pk != me.pk,
    }
    return render(request, "orgs/person_form.html", context)


@require_POST
@admin_only
def person_unlock(request: HttpRequest, person_id: int) -> HttpResponse:
    """Lift the password lockout of someone of the administrator's organisation."""
    person = access.access_person_for_admin(access.person_of(request), person_id)
    login_unlock(person=person)
    messages.success(request, _("%(name)s kan weer inloggen met gebruikersnaam en wachtwoord.") % {"name": person.name})
    return redirect("orgs:person_edit", person_id=person.pk)


@admin_only
def departments(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    rows = access.in_org(me, Department).annotate(
        people_count=Count("person", distinct=True),
    )
    return render(request, "orgs/departments.html", {"departments": rows})


@admin_only
def department_new(request: HttpRequest) -> HttpResponse:
    return _department_form(request, None)


@admin_only
def department_edit(request: HttpRequest, department_id: int) -> HttpResponse:
    department = access.access_department_for_admin(access.person_of(request), department_id)
    return _department_form(request, department)


def _department_form(request: HttpRequest, department: Department | None) -> HttpResponse:
    me = access.person_of(request)
    instance = department or Department(organization=me.organization)
    form = DepartmentForm(
        request.POST if request.method == "POST" else None, instance=instance, organization_id=me.organization_id
    )
    if request.method == "POST" and form.is_valid():
        department_save(department=form.instance)
        messages.success(request, _("Afdeling %(name)s is opgeslagen.") % {"name": form.instance.name})
        return redirect("orgs:departments")
    return render(request, "orgs/department_form.html", {"form": form, "department": department})


@require_POST
@admin_only
def department_remove(request: HttpRequest, department_id: int) -> HttpResponse:
    department = access.access_department_for_admin(access.person_of(request), department_id)
    try:
        department_delete(department=department)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Afdeling %(name)s is verwijderd.") % {"name": department.name})
    return redirect("orgs:departments")


@admin_only
def import_upload(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    bound = request.method == "POST"
    form = PeopleImportForm(request.POST if bound else None, request.FILES if bound else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > people_import.MAX_BYTES:
            form.add_error("file", _("Het bestand is te groot (hoogstens 2 MB)."))
        else:
            raw = upload.read()
            # Anywhere, not only at the start: PostgreSQL cannot store a NUL in a text column.
            if b"\x00" in raw:
                form.add_error(
                    "file", _("Dit is geen CSV-bestand. Sla het in Excel op als ‘CSV (puntkomma gescheiden)’.")
                )
            else:
                record = PeopleImport.objects.create(
                    organization=me.organization,
                    created_by=me,
                    file_name=upload.name[:255],
                    content=people_import.decode_upload(raw),
                )
                return redirect("orgs:import_preview", import_id=record.pk)
    return render(request, "orgs/import_upload.html", {"form": form, "columns": people_import.COLUMNS})


@admin_only
def import_preview(request: HttpRequest, import_id: int) -> HttpResponse:
    me = access.person_of(request)
    record = access.access_people_import(me, import_id)
    result = (
        people_import.preview(me.organization, record.content) if record.status == PeopleImport.Status.PREVIEW else None
    )
    return render(request, "orgs/import_preview.html", {"record": record, "preview": result})


@require_POST
@admin_only
def import_confirm(request: HttpRequest, import_id: int) -> HttpResponse:
    me = access.person_of(request)
    record = access.access_people_import(me, import_id)
    try:
        count = people_import.people_import_confirm(people_import=record)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orgs:import_preview", import_id=record.pk)
    messages.success(request, _("%(count)d mensen zijn geïmporteerd.") % {"count": count})
    return redirect("orgs:people")


# The organisation: its logo on the certificates (issue 6). The page always shows the
# administrator's own organisation, so another organisation's logo cannot even be named.


@admin_only
def organization(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    org = me.organization
    bound = request.method == "POST"
    form = LogoForm(request.POST if bound else None, request.FILES if bound else None)
    if bound and form.is_valid():
        try:
            organization_logo_set(organization=org, upload=form.cleaned_data["logo"])
        except ValidationError as exc:
            form.add_error("logo", exc)
        else:
            messages.success(request, _("Het logo is opgeslagen. Het staat vanaf nu op nieuwe en oude certificaten."))
            return redirect("orgs:organization")
    return render(request, "orgs/organization.html", {"form": form, "organization": org}, status=400 if bound else 200)


@admin_only
def organization_logo(request: HttpRequest) -> FileResponse:
    org = access.person_of(request).organization
    if not org.logo:
        raise Http404
    try:
        content_type = logo_content_type(org)
        response = FileResponse(org.logo.open("rb"), content_type=content_type)
    except OSError:
        raise Http404 from None
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@admin_only
def organization_logo_delete(request: HttpRequest) -> HttpResponse:
    org = access.person_of(request).organization
    if organization_logo_remove(organization=org):
        messages.success(request, _("Het logo is weggehaald. Op de certificaten staat nu de naam van de organisatie."))
    return redirect("orgs:organization")
