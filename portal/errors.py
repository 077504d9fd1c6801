"""DomainError, raised by services, and the Chinese error pages. No user ever sees a stack trace."""

from __future__ import annotations

import logging
import math

from flask import current_app, flash, redirect, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.web.navigation import safe_next

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule said no. `code` is stable (tests and logs), `message` is for people."""

    status = 409

    def __init__(self, code: str, message, status: int | None = None):
        super().__init__(code)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class Replayed(Exception):
    """A once-only form (portal/once.py) was already sent and took effect; `url` is where
    its answer went, and where the handler below sends the person."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


class NotAllowed(DomainError):
    """The actor may not do this to this object (scope or role)."""

    status = 403

    def __init__(self, message=None):
        if message is None:  # never test a lazy string's truth: it needs a request
            message = _l("您没有权限进行此操作。")
        super().__init__("forbidden", message)


ERROR_TEXT = {
    400: (_l("请求有误"), _l("提交的内容无法处理，请返回检查后重试。")),
    403: (_l("没有权限"), _l("您没有权限查看这个页面。如有疑问，请联系社区工作人员。")),
    404: (_l("页面不存在"), _l("您要找的页面不存在，可能已被删除或链接有误。")),
    405: (_l("操作方式有误"), _l("请通过页面上的按钮进行操作。")),
    413: (_l("文件太大"), _l("上传的照片太大或太多了，一次最多 %(mb)d MB。请少选几张再提交。")),
    429: (_l("操作太频繁"), _l("您的操作太频繁了，请稍等一分钟再试。")),
    500: (_l("系统出错了"), _l("很抱歉，系统暂时出了问题。我们已记录下来，请稍后再试。")),
}


def render_error(status: int, message=None):
    title, default = ERROR_TEXT.get(status, ERROR_TEXT[500])
    return render_template(
        "errors/error.html", status=status, title=title, message=message or default
    ), status


def rate_limit_message(error):
    """A 429 says how long to wait: the refused limit's window (a minute for logging in, an
    hour for registering). At most that long: a fixed window may end sooner."""
    limit = getattr(error, "limit", None)  # Flask-Limiter's RateLimitExceeded carries it
    seconds = limit.limit.get_expiry() if limit is not None else 60
    if seconds <= 60:
        return None  # the default text: wait a minute
    return _l("您的操作太频繁了，请 %(minutes)d 分钟后再试。", minutes=math.ceil(seconds / 60))


def register_errorhandlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("页面已过期，请返回上一页刷新后重新提交。"))

    @app.errorhandler(Replayed)
    def replayed(error):
        # A double tap or a retry of a form that already took effect: show its answer.
        db.session.rollback()
        flash(gettext("这张表单已经提交过了，没有重复办理。下面是第一次提交的结果。"), "info")
        return redirect(safe_next(error.url))

    @app.errorhandler(DomainError)
    def domain_error(error):
        return render_error(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code and error.code < 400:
            return error
        if error.code == 429:
            return render_error(429, rate_limit_message(error))
        if error.code == 413:
            limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
            return render_error(413, ERROR_TEXT[413][1] % {"mb": limit // (1024 * 1024)})
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(500)
