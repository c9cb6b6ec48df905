"""core.pdf: every PDF is rendered by one function whose fetch policy refuses the network and the disk."""

import ast
import gc
import subprocess
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from weasyprint import HTML

from core.pdf import render_pdf

pytestmark = pytest.mark.requires("pdftotext", "pdfdetach")

LEAK_CSS = 'body::after { content: "FILE-READ"; }'
DATA_CSS = urllib.parse.quote('body::before { content: "DATA-OK"; }')


class _Trap(ThreadingHTTPServer):
    """A local web server that only records which paths were asked for."""

    def __init__(self):
        self.paths: list[str] = []
        trap = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                trap.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b'body::after { content: "HTTP-READ"; }')

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def trap():
    server = _Trap()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def hostile_template(tmp_path, settings, trap):
    """A template pointing at a web server, the password file, a local stylesheet and a relative path."""
    (tmp_path / "leak.css").write_text(LEAK_CSS)
    base = f"http://127.0.0.1:{trap.server_port}"
    (tmp_path / "hostile.html").write_text(
        f"""<!doctype html><html><head>
        <link rel="stylesheet" href="{base}/style.css">
        <link rel="stylesheet" href="{(tmp_path / "leak.css").as_uri()}">
        <link rel="stylesheet" href="data:text/css,{DATA_CSS}">
        <link rel="attachment" href="file:///etc/passwd">
        </head><body><p>Hej {{{{ name }}}}</p>
        <img src="{base}/logo.png"><img src="file:///etc/hostname"><img src="secret.png">
        </body></html>"""
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return tmp_path / "hostile.html"


def _text(document: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=document, capture_output=True, check=True).stdout.decode()


def _attachments(document: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(document)
    return subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, check=True).stdout.decode()


def test_a_template_referring_to_http_or_file_urls_fetches_nothing(hostile_template, trap, tmp_path):
    document = render_pdf("hostile.html", {"name": "Elsa"})

    assert document.startswith(b"%PDF")
    text = _text(document)
    assert "Hej Elsa" in text
    assert trap.paths == []  # no request reached the web server
    assert "HTTP-READ" not in text and "FILE-READ" not in text  # neither stylesheet was applied
    assert "passwd" not in _attachments(document, tmp_path)  # /etc/passwd not attached
    assert "DATA-OK" in text  # data: URLs, the only inline form, still work


def test_the_trap_catches_weasyprints_default_fetcher(hostile_template, trap, tmp_path):
    # The same template without our policy: shows the test above can see a fetch when one happens.
    document = HTML(string=hostile_template.read_text().replace("{{ name }}", "Elsa")).write_pdf()

    assert sorted(trap.paths) == ["/logo.png", "/style.css"]
    assert "FILE-READ" in _text(document)
    assert "passwd" in _attachments(document, tmp_path)


@pytest.fixture
def plain_template(tmp_path, settings):
    (tmp_path / "plain.html").write_text("<!doctype html><html><body><p>Hej {{ name }}</p></body></html>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


def test_a_render_leaves_the_garbage_collector_as_it_found_it(plain_template):
    # render_pdf pauses the cyclic collector while WeasyPrint works; a failed render must not leave it off
    assert gc.isenabled()
    assert "Hej Elsa" in _text(render_pdf("plain.html", {"name": "Elsa"}))
    assert gc.isenabled()
    with pytest.raises(KeyError):
        render_pdf("plain.html", {"name": "Elsa"}, pdf_variant="no-such-variant")
    assert gc.isenabled()

    gc.disable()
    try:
        render_pdf("plain.html", {"name": "Elsa"})
        assert not gc.isenabled()  # off before, so off after
    finally:
        gc.enable()


def test_only_core_pdf_calls_weasyprint():
    importers = set()
    for path in _project_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(name.split(".")[0] == "weasyprint" for name in names):
                importers.add(path.relative_to(settings.BASE_DIR).as_posix())
    assert importers == {"core/pdf.py"}


def _project_modules():
    """The project's own Python files outside the tests (the virtualenv and other dot folders skipped)."""
    for folder in sorted(Path(settings.BASE_DIR).iterdir()):
        if folder.is_dir() and not folder.name.startswith(".") and folder.name not in ("tests", "static"):
            yield from (path for path in sorted(folder.rglob("*.py")) if "tests" not in path.relative_to(folder).parts)
