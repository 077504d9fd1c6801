"""One transaction per post: a view runs its service through `attempt()`."""

from __future__ import annotations

from flask import flash, request
from flask_login import current_user

from portal import once as once_only
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.uploads import discard_pending, keep_pending


def attempt(service, *args, once=None, **kwargs):
    """Run a service in the request's transaction: commit on success, or roll back and flash.

    Returns (ok, result). Views stay thin: parse the form, `attempt`, redirect or re-render.
    Photos saved on the way are kept only if the commit happens (`uploads.discard_pending`).

    `once` makes the post once-only (`portal.once`): it is where the answer goes, a URL or a
    function of the result giving one. The form's one-time key is claimed first; a key that
    already took effect raises `errors.Replayed`, whose handler sends the person to the first
    answer.
    """
    try:
        claim = None
        if once is not None:
            claim = once_only.claim(current_user, request.form.get(once_only.FIELD))
        result = service(*args, **kwargs)
        if claim is not None:
            once_only.record_answer(claim, once(result) if callable(once) else once)
    except NotAllowed:
        db.session.rollback()
        discard_pending()
        raise  # not a form mistake: the 403 page says so
    except DomainError as error:
        db.session.rollback()
        discard_pending()
        flash(error.message, "error")
        return False, None
    except Exception:
        discard_pending()  # the teardown rolls back; the error page says the rest
        raise
    try:
        db.session.commit()
    finally:
        # Kept even when the commit raises: PostgreSQL may have committed before the
        # connection failed, and a lost photo is worse than an orphan file.
        keep_pending()
    return True, result
