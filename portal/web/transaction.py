"""One transaction per post: a view runs its service inside `with committing() as done:`.

    with committing(once=back) as done:
        signup = roster.add_volunteer(current_user, shift, user)
    if done:
        flash(_("已加入名单。"), "success")
    return redirect(back)

- Leaving the block normally commits, and `done` is true.
- A `DomainError` (a refusal the person can fix) rolls back, is flashed, and is swallowed:
  `done` is false and the view re-renders or redirects.
- `NotAllowed` rolls back and goes on up to the 403 page; any other error goes to the 500 page.
- Photos saved on the way are kept only if the commit happens (`uploads.discard_pending`).
- `once` makes the post once-only (`portal.once`): the form's one-time key is claimed before
  the block runs, and a key that already took effect raises `errors.Replayed`, whose handler
  sends the person to the first answer; a form without a key gets the 400 page "这张表单已过期".
  `once` is that answer's URL; when it depends on what
  the block made, set `done.answer` inside the block instead (`once=True`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import flash, request
from flask_login import current_user

from portal import once as once_only
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.uploads import discard_pending, keep_pending


class Done:
    """What the block did: true once it committed. `answer` is a once-only post's answer URL."""

    __slots__ = ("ok", "answer")

    def __init__(self, answer: str | None = None) -> None:
        self.ok = False
        self.answer = answer

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def committing(once: str | bool | None = None) -> Iterator[Done]:
    done = Done(once if isinstance(once, str) else None)
    # Before the block, and outside it: a form without a well-formed key is answered by the
    # DomainError page (nothing was done), and a used key by the Replayed handler.
    claim = once_only.claim(current_user, request.form.get(once_only.FIELD)) if once else None
    try:
        yield done
        if claim is not None:
            if not done.answer:
                raise RuntimeError("a once-only block must say where its answer goes")
            once_only.record_answer(claim, done.answer)
    except NotAllowed:
        db.session.rollback()
        discard_pending()
        raise  # not a form mistake: the 403 page says so
    except DomainError as error:
        db.session.rollback()
        discard_pending()
        flash(error.message, "error")
        return
    except BaseException:
        discard_pending()  # the teardown rolls back; the error page says the rest
        raise
    try:
        db.session.commit()
    finally:
        # Kept even when the commit raises: PostgreSQL may have committed before the
        # connection failed, and a lost photo is worse than an orphan file.
        keep_pending()
    done.ok = True

