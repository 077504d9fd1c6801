"""A photo is written before the service that records it runs; it must not outlive a refusal."""


import pytest
from werkzeug.datastructures import FileStorage

from portal.errors import DomainError, NotAllowed
from portal.uploads import photo_path, save_photo
from portal.web.transaction import committing
from tests.helpers import jpeg_bytes


def _upload():
    return FileStorage(stream=jpeg_bytes(), filename="chair.jpg", content_type="image/jpeg")


def _files(kind: str) -> set[str]:
    from flask import current_app

    from portal.uploads import upload_dir

    with current_app.test_request_context():
        return {p.name for p in upload_dir(kind).iterdir()}


def test_a_committed_photo_stays(app):
    with app.test_request_context(method="POST"):
        with committing() as done:
            name = save_photo(_upload(), "wishes", thumb=320)
        assert done
        assert photo_path("wishes", name) and photo_path("wishes", f"t_{name}")


@pytest.mark.parametrize("refusal", [
    DomainError("not_editable", "心愿已经发布，不能再修改"), NotAllowed(), RuntimeError("boom")])
def test_a_refused_service_leaves_no_photo_behind(app, refusal):
    with app.test_request_context(method="POST"):
        before = _files("wishes")
        saved = []

        def service():
            saved.append(save_photo(_upload(), "wishes", thumb=320))
            saved.append(save_photo(_upload(), "wishes"))
            raise refusal

        if type(refusal) is DomainError:  # NotAllowed (a DomainError too) is re-raised
            with committing() as done:
                service()
            assert not done
        else:
            with pytest.raises(type(refusal)), committing():
                service()
        assert len(saved) == 2
        assert _files("wishes") == before
        assert all(photo_path("wishes", n) is None for n in saved)


def test_a_bad_image_is_refused_and_writes_nothing(app):
    from io import BytesIO

    with app.test_request_context(method="POST"):
        before = _files("wishes")

        def service():
            return save_photo(FileStorage(stream=BytesIO(b"<?php"), filename="x.jpg"), "wishes")

        with committing() as done:
            service()
        assert not done
        assert _files("wishes") == before


def test_a_post_over_the_size_limit_says_how_much_fits(app, client, auth, make_user):
    auth.login(make_user())
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    try:
        # a raw body: the limit is checked on Content-Length before anything is read or spooled
        response = client.post("/cases/new", data=b"x" * 3 * 1024 * 1024,
                               content_type="multipart/form-data; boundary=x")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "一次最多 2 MB" in response.get_data(as_text=True)
    assert limit >= 36 * 1024 * 1024  # six phone photos of about 6 MB fit in one post
