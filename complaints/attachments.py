"""Attachments of complaints: recognised by content, stored under a random name where no web server looks.

- Type by content sniffing (the first bytes): PDF, JPEG or PNG only. The file's name and the browser's content type
  are never trusted, so an executable, a script, an HTML or SVG page or an archive renamed to .pdf is refused.
- Size: at most settings.COMPLAINTS_ATTACHMENT_MAX_BYTES.
- Storage: a FileSystemStorage rooted at settings.COMPLAINTS_ATTACHMENTS_DIR (outside STATIC_ROOT and every
  served path; it has no URL). Stored names are random (uuid4) plus the extension of the sniffed type: nothing
  the citizen sends reaches the path. The citizen's file name is kept only as a label, cleaned of any path.
- Staff download them through the admin (complaints.admin), as an attachment, with the sniffed type and nosniff.
"""

import os
import re
import unicodedata
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage

from .constants import ALLOWED_ATTACHMENT_TYPES

__all__ = [
    "AttachmentStorage",
    "attachment_name_clean",
    "attachment_sniff",
    "attachment_storage",
    "attachment_stored_name",
]

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")


class AttachmentStorage(FileSystemStorage):
    """Private files: the directory is read from settings on each use (tests point it elsewhere); no URL."""

    @property
    def base_location(self) -> str:
        return str(settings.COMPLAINTS_ATTACHMENTS_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Complaint attachments are not served; staff download them through the admin.")


_storage = AttachmentStorage()


def attachment_storage() -> AttachmentStorage:
    """The storage of complaint attachments (a callable, so migrations do not freeze a path)."""
    return _storage


def attachment_sniff(head: bytes) -> str:
    """The content type recognised from a file's first bytes, or "" when it is not an accepted type."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return ""


def attachment_stored_name(content_type: str) -> str:
    """A fresh random name for a file of an accepted type (no directory, no part chosen by the citizen)."""
    return f"{uuid.uuid4().hex}.{ALLOWED_ATTACHMENT_TYPES[content_type]}"


def attachment_name_clean(name: str) -> str:
    """The citizen's file name as a label: its last path component, letters, digits, dots, dashes and spaces only."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    return base[-100:] or "adjunto"
