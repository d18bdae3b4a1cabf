"""What a file really is: told from its bytes, never from its name or the
browser's content type; images re-encoded, zips checked for bombs, names
made safe to show.

:func:`inspect_upload` is the one check an upload goes through: it returns
the bytes to store (an image re-encoded without its metadata) with their
kind and content type, or raises :class:`core.errors.Invalid` with the
sentence the user reads; nothing is stored before it passed.
"""
from __future__ import annotations

import io
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from core.errors import Invalid
from core.i18n import translate as _gettext

#: Kinds an entity may allow (:class:`core.records.entities.Attachments`).
KINDS = ("image", "pdf", "docx", "xlsx")
#: Images larger than this (width × height) are refused before they are
#: decoded: a small file can announce a huge picture (decompression bomb).
MAX_PIXELS = 40_000_000
#: Limits of an Office document (a zip): entries, unpacked bytes, packing ratio.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNPACKED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
MAX_NAME = 180

_IMAGE_FORMATS = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"),
                  "GIF": ("image/gif", "gif"), "WEBP": ("image/webp", "webp")}
_OFFICE = {"docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
           "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def _what(data: bytes, found: str | None) -> str | None:
    """What the content is, named in the refusal, so a clerk learns what the
    file really is."""
    known = ((b"MZ", _gettext("a Windows program")), (b"\x7fELF", _gettext("a program")), (b"#!", _gettext("a script")),
             (b"Rar!", _gettext("a RAR archive")), (b"7z\xbc\xaf", _gettext("a 7-Zip archive")), (b"\x1f\x8b", _gettext("a gzip archive")),
             (b"\xd0\xcf\x11\xe0", _gettext("an old Office document (.doc/.xls)")), (b"<", _gettext("a web page or XML file")),
             (b"PK\x03\x04", _gettext("a zip archive")), (b"%PDF-", _gettext("a PDF")))
    if found == "image":
        return _gettext("an image")
    return next((label for magic, label in known if data.startswith(magic)), None)


@dataclass(frozen=True)
class Inspected:
    """An upload that passed: the bytes to store and what they are."""

    data: bytes
    kind: str
    content_type: str
    extension: str
    name: str


def kind_labels(kinds: tuple[str, ...]) -> str:
    """The allowed kinds as a clerk reads them: "images (PNG, JPEG, GIF, WebP), PDF"."""
    labels = {"image": _gettext("images (PNG, JPEG, GIF, WebP)"), "pdf": "PDF",
              "docx": _gettext("Word documents (.docx)"), "xlsx": _gettext("Excel workbooks (.xlsx)")}
    return ", ".join(labels[k] for k in kinds if k in labels)


def accept_attribute(kinds: tuple[str, ...]) -> str:
    """The upload field's ``accept`` hint (the browser's file chooser only;
    the content decides)."""
    hints = {"image": "image/png,image/jpeg,image/gif,image/webp", "pdf": "application/pdf,.pdf",
             "docx": ".docx", "xlsx": ".xlsx"}
    return ",".join(hints[k] for k in kinds if k in hints)


def safe_name(filename: str) -> str:
    """The name to show and download under: control characters and
    surrounding dots and spaces removed, Chinese kept, at most
    :data:`MAX_NAME` characters (the extension kept). A name with a folder
    path (``../../etc/passwd.png``, ``C:\\x.png``) is refused: browsers send
    the bare name, so a path is a crafted request."""
    raw = filename or ""
    if "/" in raw or "\\" in raw or raw.strip() in (".", ".."):
        raise Invalid(_gettext("The file name “%(name)s” contains a folder path; nothing was stored. Rename the "
                        "file and upload it again.", name=_printable(raw)[:MAX_NAME]), field="file")
    name = "".join(ch for ch in unicodedata.normalize("NFC", raw) if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:MAX_NAME]
    return name


def _printable(text: str) -> str:
    return "".join(ch if not unicodedata.category(ch).startswith("C") else "?" for ch in text)


def _refuse(name: str, allowed: tuple[str, ...], what: str | None = None) -> Invalid:
    if what:
        message = _gettext("“%(name)s” is not accepted: its content is %(what)s, whatever its name says. "
                    "Allowed here: %(allowed)s. Nothing was stored.", name=name, what=what,
                    allowed=kind_labels(allowed))
    else:
        message = _gettext("“%(name)s” is not accepted: its content is not one of the kinds allowed here "
                    "(%(allowed)s), whatever its name says. Nothing was stored.",
                    name=name, allowed=kind_labels(allowed))
    return Invalid(message, field="file")


def sniff(data: bytes) -> str | None:
    """The kind the bytes are (``image``, ``pdf``, ``zip``), else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff") \
            or data[:6] in (b"GIF87a", b"GIF89a") or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "image"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def read_capped(source: bytes | BinaryIO, max_bytes: int) -> tuple[bytes, int]:
    """At most ``max_bytes + 1`` bytes of ``source`` (bytes or a binary
    file), and its whole size: an oversized upload is refused without being
    read into memory (its size from the file's end when it can seek)."""
    if isinstance(source, (bytes, bytearray)):
        return bytes(source[: max_bytes + 1]), len(source)
    data = source.read(max_bytes + 1)
    if len(data) <= max_bytes:
        return data, len(data)
    try:
        here = source.tell()
        return data, here + (source.seek(0, io.SEEK_END) - here)
    except (OSError, ValueError, AttributeError):
        return data, len(data)


def inspect_upload(filename: str, source: bytes | BinaryIO, kinds: tuple[str, ...], max_bytes: int) -> Inspected:
    """Check an upload (its bytes, or a binary file) against an entity's
    :class:`~core.records.entities.Attachments`: its name, its size, its
    content. ``Invalid`` (nothing stored) otherwise."""
    name = safe_name(filename)
    data, total = read_capped(source, max_bytes)
    if not data:
        raise Invalid(_gettext("“%(name)s” is empty; nothing was stored.", name=name or "?"), field="file")
    if total > max_bytes:
        size, limit = human_size(total), human_size(max_bytes)
        if size == limit:  # just over: say it in bytes
            size, limit = (_gettext("%(n)s bytes", n=f"{n:,}") for n in (total, max_bytes))
        raise Invalid(_gettext("“%(name)s” is %(size)s; files here may be at most %(limit)s. Nothing was stored.",
                               name=name, size=size, limit=limit), field="file")
    found = sniff(data)
    if found == "image" and "image" in kinds:
        data, content_type, extension = reencode_image(name, data)
        return Inspected(data, "image", content_type, extension, _with_extension(name, extension))
    if found == "pdf" and "pdf" in kinds:
        return Inspected(data, "pdf", "application/pdf", "pdf", _with_extension(name, "pdf"))
    if found == "zip" and ({"docx", "xlsx"} & set(kinds)):
        kind = office_kind(name, data, kinds)
        return Inspected(data, kind, _OFFICE[kind][1], kind, _with_extension(name, kind))
    raise _refuse(name, kinds, _what(data, found))


def _with_extension(name: str, extension: str) -> str:
    """``name`` ending in the extension its content has (``scan`` → ``scan.pdf``,
    ``photo.jpeg`` stays)."""
    same = {"jpg": ("jpg", "jpeg", "jpe")}.get(extension, (extension,))
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in same:
        return name
    return f"{name or 'file'}.{extension}"


def human_size(n: int) -> str:
    """``1.5 MB``, ``320 KB``, ``12 B``."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} B"


# --- images -------------------------------------------------------------------------

def reencode_image(name: str, data: bytes) -> tuple[bytes, str, str]:
    """The image decoded and written again in its own format, without its
    metadata (EXIF with the GPS position, comments, profiles), turned
    upright as its EXIF said; a picture over :data:`MAX_PIXELS` or that does
    not decode is refused."""
    from PIL import Image, ImageOps, ImageSequence
    damaged = Invalid(_gettext("“%(name)s” looks like an image but cannot be read (damaged?); nothing was stored.",
                        name=name), field="file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in _IMAGE_FORMATS:
                raise damaged
            if image.width * image.height > MAX_PIXELS:
                raise Invalid(_gettext("“%(name)s” is %(w)s × %(h)s pixels; images here may have at most %(most)s "
                                "million pixels. Nothing was stored.", name=name, w=image.width, h=image.height,
                                most=MAX_PIXELS // 1_000_000), field="file")
            content_type, extension = _IMAGE_FORMATS[image.format]
            out = io.BytesIO()
            frames = getattr(image, "n_frames", 1)
            if frames > 1:  # an animation (GIF, WebP): every frame, nothing else
                sequence = [frame.copy() for frame in ImageSequence.Iterator(image)]
                for frame in sequence:
                    frame.info = {}
                sequence[0].save(out, format=image.format, save_all=True, append_images=sequence[1:],
                                 duration=image.info.get("duration", 100), loop=image.info.get("loop", 0))
            else:
                fmt = image.format
                clean = ImageOps.exif_transpose(image)
                if fmt == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
                    clean = clean.convert("RGB")
                clean.info = {}
                clean.save(out, format=fmt, **({"quality": 90} if fmt in ("JPEG", "WEBP") else {}))
    except Invalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid(_gettext("“%(name)s” would unpack to a picture too large to accept (a decompression bomb?); "
                        "nothing was stored.", name=name), field="file") from None
    except Exception:  # Pillow raises many kinds for a broken file
        raise damaged from None
    return out.getvalue(), content_type, extension


# --- Office documents (zip) ---------------------------------------------------------

def office_kind(name: str, data: bytes, kinds: tuple[str, ...]) -> str:
    """``docx`` or ``xlsx`` for an Office Open XML document (a zip with
    ``[Content_Types].xml``) that is not a zip bomb and whose entries are
    plain relative names; ``Invalid`` otherwise."""
    bomb = Invalid(_gettext("“%(name)s” would unpack to far more than its size (a zip bomb?); nothing was stored.",
                     name=name), field="file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
        if len(entries) > ZIP_MAX_ENTRIES:
            raise bomb
        for entry in entries:
            parts = entry.filename.replace("\\", "/").split("/")
            if entry.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
                raise Invalid(_gettext("“%(name)s” holds a file with a folder path outside the document (%(entry)s); "
                                "nothing was stored.", name=name, entry=_printable(entry.filename)[:100]),
                              field="file")
        declared = sum(e.file_size for e in entries)
        if declared > ZIP_MAX_UNPACKED or declared > ZIP_MAX_RATIO * max(len(data), 1):
            raise bomb
        # The sizes in the directory can lie: unpack, counting, and stop at the limit.
        limit, unpacked = min(ZIP_MAX_UNPACKED, ZIP_MAX_RATIO * len(data)), 0
        for entry in entries:
            with archive.open(entry) as stream:
                while chunk := stream.read(64 * 1024):
                    unpacked += len(chunk)
                    if unpacked > limit:
                        raise bomb
        names = {e.filename for e in entries}
    except Invalid:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError):
        raise Invalid(_gettext("“%(name)s” is a damaged or unsupported zip archive; nothing was stored.", name=name),
                      field="file") from None
    if "[Content_Types].xml" in names:
        for kind in ("docx", "xlsx"):
            if kind in kinds and _OFFICE[kind][0] in names:
                return kind
    raise _refuse(name, kinds, _gettext("a zip archive"))
