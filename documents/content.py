"""What a file is, decided from its content (never its name or the browser's Content-Type).

`filetype` reads the magic numbers; an OOXML or ODF file is a zip, so its container is opened and the main
part's declared content type checked ([Content_Types].xml, or ODF's `mimetype` member): a zip that merely
calls itself .docx, or a macro-enabled .docm, is not accepted. Plain text has no magic number: it is text when
it decodes (UTF-8, else Windows-1252) and holds no control characters other than tab, line breaks and form feed.
"""

import io
import zipfile
from xml.etree import ElementTree

import filetype

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"

# content type -> the extension a downloaded copy is given (whatever the uploaded name said)
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx", XLSX: ".xlsx", ODT: ".odt", TEXT: ".txt"}

_OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_ZIP_MEMBER_LIMIT = 1024 * 1024  # [Content_Types].xml and mimetype are small; a larger one is not a document
_TEXT_CONTROL = set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D}


def _zip_document_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                if archive.getinfo("mimetype").file_size > _ZIP_MEMBER_LIMIT:
                    return None
                return ODT if archive.read("mimetype").strip() == ODT.encode() else None
            if (
                "[Content_Types].xml" not in names
                or archive.getinfo("[Content_Types].xml").file_size > _ZIP_MEMBER_LIMIT
            ):
                return None
            # the standard library's expat refuses external entities and entity expansion bombs
            root = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, RuntimeError, NotImplementedError, OSError):
        return None
    for override in root.iter(f"{_CONTENT_TYPES_NS}Override"):
        found = _OOXML_MAIN_PARTS.get(override.get("ContentType", ""))
        if found:
            return found
    return None


def _is_text(content: bytes) -> bool:
    if any(byte in _TEXT_CONTROL for byte in content):
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def detect_content_type(content: bytes) -> str | None:
    """The accepted content type of these bytes (one of EXTENSIONS), or None when it is none of them."""
    if not content:
        return None
    kind = filetype.guess(content)
    if kind is None:
        return TEXT if _is_text(content) else None
    if kind.mime in (PDF, JPEG, PNG):
        return kind.mime
    if kind.mime in ("application/zip", DOCX, XLSX, ODT):
        return _zip_document_type(content)
    return None
