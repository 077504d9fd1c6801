"""Resident-facing account pages: register, log in and out, profile, password, party declaration."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import moves, services
from portal.accounts import party as party_members
from portal.accounts import sessions as login_sessions
from portal.accounts.forms import LoginForm, PartyForm, PasswordForm, ProfileForm, RegisterForm
from portal.accounts.move_models import MoveRequest
from portal.extensions import db, limiter
from portal.forms import options
from portal.web.loading import load_or_404
from portal.web.navigation import safe_next
from portal.web.transaction import committing
from portal.zones.models import Zone
from portal.zones.services import home_zone_choices, zone_labels

bp = Blueprint("accounts", __name__)


def _login_phone_key() -> str:
    return "phone:" + services.normalise_phone(request.form.get("phone", ""))


def _fill_zone_choices(form) -> None:
    form.home_zone.choices = options([(0, _("请选择")), *home_zone_choices()])


def _log_in(user, *, remember: bool) -> None:
    """Open a server-side login (its row is what logging out ends), then set the cookies."""
    login_sessions.start(user)
    db.session.commit()
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["REGISTER_PHONE_RATE_LIMIT"], methods=["POST"],
               key_func=_login_phone_key)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    _fill_zone_choices(form)
    if form.validate_on_submit():
        with committing() as done:
            user = services.register(
                phone=form.phone.data, password=form.password.data, name=form.name.data,
                home_zone=db.session.get(Zone, form.home_zone.data or 0))
        if done:
            _log_in(user, remember=True)
            flash(_("注册成功，欢迎您！"), "success")
            return redirect(safe_next(request.args.get("next"), url_for("main.index")))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_PHONE_RATE_LIMIT"], methods=["POST"],
               key_func=_login_phone_key)
def login():
    target = safe_next(request.args.get("next"), url_for("main.index"))
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.phone.data, form.password.data)
        if user is None:
            flash(_("手机号或密码不正确。忘记密码可带身份证到社区服务站重置。"), "error")
        else:
            session.clear()  # a fresh session on privilege change
            _log_in(user, remember=form.remember.data)
            return redirect(target)
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # ends the row both cookies name, so a copy of either taken earlier opens nothing
        with committing():
            login_sessions.end(current_user)
    session.clear()
    logout_user()  # after clear(): it leaves the marker that deletes the remember-me cookie
    flash(_("您已退出登录。"), "info")
    return _wiped(redirect(url_for("main.index")))


def _wiped(response):
    """Logging out empties what this browser kept for offline use (the scan desk's cached
    page, and later its downloads): the browser clears its caches and storage and ends the
    service worker."""
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.post("/me/logout-all")
@login_required
def logout_everywhere():
    with committing() as done:
        login_sessions.end_all(current_user)
    if done:
        # this device too: the button says 所有设备, and it may be a borrowed phone or the
        # service station's computer that the resident is about to walk away from
        session.clear()
        logout_user()
        flash(_("已在所有设备上退出登录，包括这台。请用手机号和密码重新登录。"), "success")
        return _wiped(redirect(url_for("accounts.login")))
    return redirect(url_for("accounts.login"))


@bp.route("/me", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    _fill_zone_choices(form)
    if request.method == "GET":
        form.home_zone.data = current_user.home_zone_id
    if form.validate_on_submit():
        with committing() as done:
            move = services.update_profile(current_user, name=form.name.data,
                                           home_zone=db.session.get(Zone, form.home_zone.data or 0))
        if done:
            if move is not None:
                flash(_("已提交迁居申请。新社区的管理员确认后，居住地才会改过去；"
                        "在此之前仍按原来的社区办理。"), "success")
            else:
                flash(_("资料已保存。"), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form,
                           move=moves.pending_move(current_user.id), labels=zone_labels())


@bp.post("/me/move/<int:move_id>/withdraw")
@login_required
def withdraw_move(move_id: int):
    move = load_or_404(MoveRequest, move_id)
    with committing() as done:
        moves.withdraw_move(current_user, move)
    if done:
        flash(_("已撤回迁居申请，居住地没有变化。"), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        with committing() as done:
            services.change_password(current_user, current=form.current.data,
                                     new=form.new.data)
        if done:
            # keep this device logged in: its own login row, with the new session_version
            login_user(current_user, remember=True)
            flash(_("密码已修改，其他设备需要重新登录。"), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)


@bp.route("/me/party", methods=["GET", "POST"])
@login_required
def party():
    membership = current_user.party
    form = PartyForm(obj=membership)
    form.service_posts.choices = options((p, p) for p in party_members.service_post_names())
    if form.validate_on_submit():
        with committing(once=url_for("accounts.party")) as done:
            party_members.declare_party_membership(
                current_user, work_unit=form.work_unit.data, branch=form.branch.data,
                skills=form.skills.data, service_posts=form.service_posts.data or [])
        if done:
            flash(_("已提交，社区核验后您会获得党员标识。"), "success")
            return redirect(url_for("accounts.party"))
    return render_template("accounts/party.html", form=form, membership=membership)
