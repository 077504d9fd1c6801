"""Photo uploads: only real images, EXIF (and its GPS) stripped, resized, stored as JPEG.

A photo is written to disk before the service that records it runs, so its file would outlive
a refusal. Each saved photo is therefore pending until the request's transaction commits:
`web.transaction.committing()` keeps the pending photos on commit and deletes them on a rollback."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from portal.errors import DomainError

MAX_SIDE = 1280
#: refuse decompression bombs long before they reach memory
Image.MAX_IMAGE_PIXELS = 40_000_000


def upload_dir(kind: str) -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_photo(file_storage, kind: str, thumb: int | None = None) -> str:
    """Check, clean and store an uploaded photo; return its new file name. With `thumb`, a
    small copy named "t_<name>" is written too (lists load that one)."""
    bad = DomainError("bad_image", _l("请上传照片（JPG、PNG 或 WebP 格式）。"), 400)
    try:
        with Image.open(file_storage.stream) as probe:
            probe.verify()
        file_storage.stream.seek(0)
        with Image.open(file_storage.stream) as image:
            if image.format not in {"JPEG", "PNG", "WEBP", "MPO"}:
                raise bad
            image = ImageOps.exif_transpose(image)  # keep the orientation, drop the EXIF
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            name = f"{secrets.token_hex(16)}.jpg"
            # pending before it is written: a failed thumbnail must not leave the photo behind
            g.setdefault("pending_photos", []).append((kind, name))
            image.save(upload_dir(kind) / name, "JPEG", quality=85, optimize=True)
            if thumb:
                image.thumbnail((thumb, thumb))
                image.save(upload_dir(kind) / f"t_{name}", "JPEG", quality=80, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise bad from None
    return name


def keep_pending() -> None:
    """The transaction that records this request's photos committed: they stay."""
    g.pop("pending_photos", None)


def discard_pending() -> None:
    """The transaction rolled back: delete the photos (and thumbnails) this request saved, so
    a refused post leaves no file behind."""
    for kind, name in g.pop("pending_photos", []):
        for file_name in (name, f"t_{name}"):
            path = photo_path(kind, file_name)
            if path is not None:
                path.unlink(missing_ok=True)


def photo_path(kind: str, name: str) -> Path | None:
    """The stored file for `name`, or None; never a path outside the upload folder."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    if len(name) > 100 or not name.isprintable():
        return None  # no stored name is like this; the OS would refuse it (too long, NUL)
    path = upload_dir(kind) / name
    return path if path.is_file() else None
