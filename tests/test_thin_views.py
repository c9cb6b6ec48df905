"""Thin views: a view parses the request, calls a selector or service, maps errors to the form and renders.

Read from the source (ast), so a view that grows past VIEW_MAX_LINES fails here and its work moves into the
app's selectors.py (reads, permissions) or services.py (writes, decisions). Private helpers of a view module
are held to the same limit: moving a view's work into a `_helper` beside it does not make the view thin.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Every view module of the project is held to the limit.
VIEW_MODULES = (
    "records/views.py",
    "documents/views.py",
    "reporting/views.py",
    "cases/import_views.py",
    "cases/views.py",
    "api/views.py",
    "decisions/views.py",
    "accounts/views.py",
    "consent/views.py",
    # a view package (one module per insats): every module in it
    *sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "interventions" / "views").glob("*.py")
        if path.name != "__init__.py"
    ),
    "core/views.py",
)
VIEW_MAX_LINES = 25


def _body_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first statement after the docstring to the end of the last one (blank lines included)."""
    body = function.body[1:] if ast.get_docstring(function, clean=False) is not None else function.body
    if not body:
        return 0
    return (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1  # end_lineno: always set by ast.parse


def _takes_request(function, *, method: bool) -> bool:
    params = function.args.posonlyargs + function.args.args
    index = 1 if method else 0  # a class-based view's method: (self, request, ...)
    return len(params) > index and params[index].arg == "request"


def views_in(source: str):
    """(name, body lines) of each view: a public function, or a method of a class, whose argument is `request`;
    and of each private helper (a module-level function named `_...`), whatever it takes."""
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    for node in ast.parse(source).body:
        if isinstance(node, functions) and (node.name.startswith("_") or _takes_request(node, method=False)):
            yield node.name, _body_lines(node)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, functions) and _takes_request(item, method=True):
                    yield f"{node.name}.{item.name}", _body_lines(item)


def too_long(source: str) -> list[str]:
    return [f"{name}: {lines} lines" for name, lines in views_in(source) if lines > VIEW_MAX_LINES]


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_views_are_thin(module):
    source = (ROOT / module).read_text(encoding="utf-8")
    # a module of a view package may hold only form declarations; a plain views module has views
    assert list(views_in(source)) or "/views/" in module, f"{module} has no views: is the path right?"
    assert too_long(source) == [], f"{module}: move the work of these views into selectors/services"


def _view(body_lines: int, *, docstring: bool = True, name: str = "page") -> str:
    doc = '    """A page.\n\n    More about it.\n    """\n' if docstring else ""
    body = "".join(f"    x{i} = {i}\n" for i in range(body_lines - 1)) + "    return render(request)\n"
    return f"@login_required\ndef {name}(request, pk):\n{doc}{body}"


def test_the_check_counts_the_body_after_the_docstring():
    assert too_long(_view(VIEW_MAX_LINES)) == []
    assert too_long(_view(VIEW_MAX_LINES + 1)) == ["page: 26 lines"]
    assert too_long(_view(VIEW_MAX_LINES + 1, docstring=False)) == ["page: 26 lines"]


def test_the_check_finds_class_based_views_and_private_helpers():
    source = _view(30, name="_helper") + "\nclass Page(View):\n    def get(self, request):\n" + "        x = 1\n" * 26
    assert too_long(source) == ["_helper: 30 lines", "Page.get: 26 lines"]


def test_the_check_counts_private_helpers_without_a_request():
    helper = "def _rows(case):\n" + "    x = 1\n" * 26
    public = "def rows(case):\n" + "    x = 1\n" * 26  # a public function without `request` is not a view
    assert too_long(helper + "\n" + public) == ["_rows: 26 lines"]


MODEL_MODULE_MAX_LINES = 500


def test_model_modules_stay_readable():
    """A models file past about 500 lines is split into a package with one module per topic
    (interventions/models/: one per insats, plans, field work)."""
    modules = [*ROOT.glob("*/models.py"), *ROOT.glob("*/models/*.py")]
    assert any(path.parent.name == "models" for path in modules), "the interventions models package is found"
    too_big = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODEL_MODULE_MAX_LINES
    }
    assert too_big == {}


def test_every_view_module_is_held_to_the_limit():
    patterns = ("*/views.py", "*/*_views.py", "*/views/*.py")
    found = {
        str(path.relative_to(ROOT)) for pattern in patterns for path in ROOT.glob(pattern) if path.name != "__init__.py"
    }
    assert found - {"tests/test_thin_views.py"} == set(VIEW_MODULES)
