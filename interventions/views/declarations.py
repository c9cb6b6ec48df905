"""One typed declaration per form of the insats page and the plan page.

A declaration holds everything about one form: its name (the slug it posts to and the page's anchor
"form-<name>"), title and button, form class, permission, which insatser it belongs to and when it applies,
its initial values, the service it runs, the success message and where the page goes afterwards. The insats
modules (views/community_service.py, views/mediation.py, ...) declare their forms and register them; the pages
read only the registries. A declaration is checked when it is made and when it is registered, so a typo in a
permission, an insats code or a slug, or a name registered twice, stops the import instead of a request.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, TypeVar

from django import forms
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.functional import Promise

from cases.models import Case, InsatsCode
from consent.forms import CaseForm
from core.http import AuthenticatedRequest
from interventions.models import Plan
from interventions.selectors import CaseInsatsPanel, PlanState

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# where an insats page form is shown: the insats's own section, "Återfall", or the section every case has
INSATS, REOFFENCE, COMMON = "insats", "aterfall", "gemensam"
SECTIONS = (INSATS, REOFFENCE, COMMON)
OPEN_PARAMETER = "oppna"  # ?oppna=<name>: the page shows that form opened (a link to a form opens it)


def _known_permission(perm: str) -> bool:
    """Whether `perm` ("app_label.codename") is a model permission of an installed app (default or Meta's own)."""
    app_label, _dot, codename = perm.partition(".")
    try:
        models = apps.get_app_config(app_label).get_models()
    except LookupError:
        return False
    return any(
        codename in {f"{action}_{model._meta.model_name}" for action in model._meta.default_permissions}
        or codename in {name for name, _label in model._meta.permissions}
        for model in models
    )


def _no_initial(_context: Any) -> dict:
    return {}


def _always(_context: Any) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class FormDeclaration:
    name: str
    title: str | Promise
    button: str | Promise
    form: type[CaseForm]  # every declared form is bound to its case (and, on the plan page, its plan)
    perm: str
    message: str | Promise
    anchor: str  # where the page returns to after saving

    def __post_init__(self) -> None:
        problems = []
        if not SLUG.match(self.name):
            problems.append(f"name {self.name!r} is not a slug")
        if not SLUG.match(self.anchor):
            problems.append(f"anchor {self.anchor!r} is not a slug")
        if not (isinstance(self.form, type) and issubclass(self.form, forms.BaseForm)):
            problems.append(f"form {self.form!r} is not a form class")
        if not _known_permission(self.perm):
            problems.append(f"permission {self.perm!r} does not exist")
        if not (str(self.title).strip() and str(self.button).strip() and str(self.message).strip()):
            problems.append("title, button and message are required")
        if problems:
            raise ImproperlyConfigured(f"Form declaration {self.name!r}: {'; '.join(problems)}.")

    @property
    def html_id(self) -> str:
        """The id of the form's place on its page (partials/action_form.html)."""
        return f"form-{self.name}"


@dataclass(frozen=True, kw_only=True)
class InsatsForm(FormDeclaration):
    """A form of the insats page. `run(request, case, form)` calls the service with the valid form and returns
    what it made; `redirect(case, result)` is where the page goes then (default: the insats page at `anchor`).
    `applies(panel)` decides whether the page offers it now (a started medling offers no start);
    `initial(panel)` gives the record's current values."""

    run: Callable[[AuthenticatedRequest, Case, Any], Any]  # the pages' views are behind sign-in
    section: str = INSATS
    insatser: tuple[str, ...] = ()  # InsatsCode values; empty: every case
    applies: Callable[[CaseInsatsPanel], bool] = _always
    initial: Callable[[CaseInsatsPanel], dict] = _no_initial
    with_user: bool = False  # the form also takes the user (defaults such as "me")
    redirect: Callable[[Case, Any], str] | None = None
    after_close: bool = False  # offered on a closed case too (a report often follows the end)

    def __post_init__(self) -> None:
        super().__post_init__()
        unknown = set(self.insatser) - set(InsatsCode.values)
        if unknown or self.section not in SECTIONS:
            raise ImproperlyConfigured(f"Form declaration {self.name!r}: unknown insats {unknown} or section.")

    def fits(self, case: Case) -> bool:
        """Whether the form belongs to the case's insats (posting another insats's form is a 404)."""
        return not self.insatser or case.insats_type.code in self.insatser

    def offered(self, case: Case, panel: CaseInsatsPanel) -> bool:
        return self.fits(case) and (case.is_open or self.after_close) and self.applies(panel)

    def make(self, case: Case, user, data=None, *, panel: CaseInsatsPanel | None = None) -> forms.BaseForm:
        """The form for the case, bound to `data`, or unbound with the record's values from `panel`."""
        form = self.form(data, case=case, **({"user": user} if self.with_user else {}))
        if data is None and panel is not None:
            for key, value in self.initial(panel).items():
                form.fields[key].initial = value
        return form

    def url(self, case: Case) -> str:
        return reverse("interventions:case_action", args=[case.pk, self.name])

    def place(self, case: Case) -> str:
        """The form itself on the insats page, opened (the link a to-do item or the insats details give)."""
        return reverse("interventions:case", args=[case.pk]) + f"?{OPEN_PARAMETER}={self.name}#{self.html_id}"

    def section_place(self, case: Case) -> str:
        """The form's section on the insats page, where the page returns after saving."""
        return reverse("interventions:case", args=[case.pk]) + f"#{self.anchor}"

    def done(self, case: Case, result: Any) -> str:
        return self.redirect(case, result) if self.redirect is not None else self.section_place(case)


@dataclass(frozen=True, kw_only=True)
class PlanForm(FormDeclaration):
    """A form of the plan page (current version of a plan on an open case). `run(request, plan, form)`;
    `applies(state)` decides whether the page offers it; `initial(plan, state)` gives current values;
    `with_version`: the form also takes the current version (its activities, follow-ups)."""

    run: Callable[[AuthenticatedRequest, Plan, Any], Any]
    applies: Callable[[PlanState], bool] = _always
    initial: Callable[[Plan, PlanState], dict] = lambda plan, state: {}
    with_version: bool = False

    def make(self, plan: Plan, state: PlanState, data=None) -> forms.BaseForm:
        kwargs: dict = {"case": plan.case, "plan": plan}
        if self.with_version:
            kwargs["version"] = state.version
        form = self.form(data, **kwargs)
        if data is None:
            for key, value in self.initial(plan, state).items():
                form.fields[key].initial = value
        return form

    def url(self, plan: Plan) -> str:
        return reverse("interventions:plan_action", args=[plan.pk, self.name])

    def place(self, plan_id) -> str:
        """The form itself on the plan page, opened (the link a to-do item gives)."""
        return reverse("interventions:plan", args=[plan_id]) + f"?{OPEN_PARAMETER}={self.name}#{self.html_id}"

    def done(self, plan: Plan) -> str:
        return reverse("interventions:plan", args=[plan.pk]) + f"#{self.anchor}"


D = TypeVar("D", bound=FormDeclaration)


@dataclass
class Registry(Generic[D]):
    """The declarations of one page in page order. Registering a name twice stops the import."""

    page: str
    _declarations: dict[str, D] = field(default_factory=dict)

    def register(self, *declarations: D) -> None:
        for declaration in declarations:
            if declaration.name in self._declarations:
                raise ImproperlyConfigured(f"{self.page}: the form {declaration.name!r} is declared twice.")
            self._declarations[declaration.name] = declaration

    def get(self, name: str) -> D | None:
        return self._declarations.get(name)

    def __iter__(self) -> Iterator[D]:
        return iter(self._declarations.values())


INSATS_FORMS: Registry[InsatsForm] = Registry(page="insats page")
PLAN_FORMS: Registry[PlanForm] = Registry(page="plan page")


@dataclass
class PageForm:
    """One form as a page shows it (partials/action_form.html).

    A form the page shows closed is neither built nor rendered: the page carries only its title and `place`, the
    page with that form opened, which htmx loads into it when it is opened (and which is a plain link without
    JavaScript). Building and rendering the closed forms was about half of the insats and plan pages' CPU
    (13 forms, 41 to 109 widgets and a query per select), on every visit, for forms that are seldom opened (issue
    23.4). A form shown opened (`open`, the link named it) or refused with its errors (`refused`) is rendered."""

    declaration: FormDeclaration
    build: Callable[[], forms.BaseForm]  # the unbound form with the record's current values
    url: str  # where it posts
    place: str  # the page with this form opened, at the form
    open: bool = False  # shown opened: the link that led here named it
    refused: forms.BaseForm | None = None  # a failed POST's bound form, shown as it was

    @cached_property
    def form(self) -> forms.BaseForm:
        return self.refused if self.refused is not None else self.build()

    @property
    def shown(self) -> bool:
        return self.open or self.refused is not None

    @property
    def load(self) -> str:
        """What htmx fetches when the closed form is opened: its place, without the anchor."""
        return self.place.partition("#")[0]

    @property
    def name(self) -> str:
        return self.declaration.name

    @property
    def title(self) -> str:
        return str(self.declaration.title)

    @property
    def submit(self) -> str:
        return str(self.declaration.button)


def fields_of(record_name: str, form: type[forms.Form], **renamed: str) -> Callable[[CaseInsatsPanel], dict]:
    """initial(panel) for a form that edits a one-to-one record of the panel (its attribute `record_name`):
    each form field from the record's attribute of the same name, or of the name `renamed` gives."""
    names = list(form.base_fields)
    if set(renamed) - set(names):
        raise ImproperlyConfigured(f"{form.__name__} has no fields {set(renamed) - set(names)}.")

    def initial(panel: CaseInsatsPanel) -> dict:
        record = getattr(panel, record_name)
        if record is None:
            return {}
        return {name: getattr(record, renamed.get(name, name)) for name in names}

    return initial
