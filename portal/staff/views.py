"""Staff pages: dashboard, residents and roles, party-member review, audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import policy
from portal.accounts import moves, party, services
from portal.accounts.models import ROLE_LABELS, PartyMembership, RoleGrant, ServicePost, User
from portal.accounts.move_models import MoveRequest
from portal.extensions import db
from portal.forms import options
from portal.staff import queries
from portal.staff.forms import (
    CreateResidentForm,
    GrantRoleForm,
    ResetPasswordForm,
    ReviewForm,
    SearchForm,
)
from portal.web.loading import load_or_404
from portal.web.params import bounded_int, page_arg
from portal.web.transaction import committing
from portal.zones.models import Zone
from portal.zones.services import home_zone_choices, zone_labels, zones_in_scope

bp = Blueprint("staff", __name__)


def _user_in_scope(user_id: int, permission: str) -> User:
    return queries.user_in_scope_or_abort(current_user, user_id, permission)


@bp.get("/")
@policy.require_permission("staff.dashboard")
def dashboard():
    return render_template("staff/dashboard.html", counts=queries.dashboard_counts(current_user))


@bp.get("/users")
@policy.require_permission("users.view")
def users():
    form = SearchForm(request.args)
    page = page_arg()
    q = form.q.data if form.validate() else ""
    pagination = queries.users_in_scope(current_user, q=q, page=page)
    return render_template("staff/users.html", pagination=pagination, form=form,
                           labels=zone_labels())


@bp.route("/users/new", methods=["GET", "POST"])
@policy.require_permission("users.create_resident")
def create_resident():
    form = CreateResidentForm()
    allowed = {z.id for z in zones_in_scope(current_user, "users.create_resident")}
    form.home_zone.choices = options(
        [(0, _("请选择"))] + [choice for choice in home_zone_choices() if choice[0] in allowed]
    )
    if form.validate_on_submit():
        with committing() as done:
            user = services.create_for_resident(
                current_user, phone=form.phone.data, password=form.password.data,
                name=form.name.data, home_zone=db.session.get(Zone, form.home_zone.data or 0))
        if done:
            flash(_("已为 %(name)s 创建账号。", name=user.name), "success")
            return redirect(url_for("staff.user_detail", user_id=user.id))
    return render_template("staff/create_resident.html", form=form)


@bp.get("/users/<int:user_id>")
@policy.require_permission("users.view")
def user_detail(user_id: int):
    user = _user_in_scope(user_id, "users.view")
    grant_form = GrantRoleForm()
    grant_form.role.choices = options((role, label) for role, label in ROLE_LABELS.items()
                                      if policy.is_superadmin(current_user)
                                      or role in policy.GRANTABLE_BY_ADMIN)
    grant_form.zone.choices = options((z.id, label) for z, label in _grantable_zones())
    return render_template(
        "staff/user_detail.html", user=user, labels=zone_labels(),
        grant_form=grant_form, reset_form=ResetPasswordForm(),
    )


def _grantable_zones():
    labels = zone_labels()
    zones = zones_in_scope(current_user, "users.manage_roles")
    return [(z, labels[z.id] or z.name) for z in zones if not z.is_retired]


@bp.post("/users/<int:user_id>/password")
@policy.require_permission("users.reset_password")
def reset_password(user_id: int):
    user = _user_in_scope(user_id, "users.reset_password")
    form = ResetPasswordForm()
    if not form.validate():
        for errors in form.errors.values():
            flash(errors[0], "error")
    else:
        with committing() as done:
            services.reset_password(current_user, user, form.password.data)
        if done:
            flash(_("已重置 %(name)s 的密码。", name=user.name), "success")
    return redirect(url_for("staff.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/roles")
@policy.require_permission("users.manage_roles")
def grant_role(user_id: int):
    user = _user_in_scope(user_id, "users.view")
    form = GrantRoleForm()
    with committing() as done:
        services.grant_role(current_user, user, form.role.data or "",
                            db.session.get(Zone, form.zone.data or 0))
    if done:
        flash(_("角色已授予。"), "success")
    return redirect(url_for("staff.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/roles/<int:grant_id>/revoke")
@policy.require_permission("users.manage_roles")
def revoke_role(user_id: int, grant_id: int):
    grant = load_or_404(RoleGrant, grant_id)
    if grant.user_id != user_id:  # another person's grant, under this person's URL
        abort(404)
    with committing() as done:
        services.revoke_role(current_user, grant)
    if done:
        flash(_("角色已撤销。"), "success")
    return redirect(url_for("staff.user_detail", user_id=user_id))


@bp.post("/users/<int:user_id>/active")
@policy.require_permission("users.deactivate")
def set_active(user_id: int):
    user = _user_in_scope(user_id, "users.deactivate")
    make_active = request.form.get("active") == "1"
    with committing() as done:
        services.set_active(current_user, user, make_active)
    if done:
        flash(_("账号已启用。") if make_active else _("账号已停用。"), "success")
    return redirect(url_for("staff.user_detail", user_id=user.id))


@bp.get("/party")
@policy.require_permission("party.verify")
def party_queue():
    return render_template("staff/party_queue.html",
                           pending=queries.pending_party_declarations(current_user),
                           labels=zone_labels(), form=ReviewForm())


@bp.post("/party/<int:membership_id>/review")
@policy.require_permission("party.verify")
def party_review(membership_id: int):
    membership = load_or_404(PartyMembership, membership_id)
    form = ReviewForm()
    approve = request.form.get("decision") == "approve"
    with committing(once=url_for("staff.party_queue")) as done:
        party.review_party_membership(current_user, membership, approve=approve,
                                      note=form.note.data or "")
    if done:
        flash(_("已核验通过。") if approve else _("已退回。"), "success")
    return redirect(url_for("staff.party_queue"))


@bp.get("/moves")
@policy.require_permission("users.confirm_move")
def move_queue():
    """迁居确认: residents asking to move into the admin's community."""
    return render_template("staff/moves.html", rows=moves.moves_to_decide(current_user),
                           labels=zone_labels(), form=ReviewForm())


@bp.post("/moves/<int:move_id>/decide")
@policy.require_permission("users.confirm_move")
def move_decide(move_id: int):
    move = load_or_404(MoveRequest, move_id)
    approve = request.form.get("decision") == "approve"
    with committing(once=url_for("staff.move_queue")) as done:
        moves.decide_move(current_user, move, approve=approve,
                          note=ReviewForm().note.data or "")
    if done:
        flash(_("已确认迁入，积分余额随居民转入本社区。") if approve
              else _("已回复居民：不同意迁入。"), "success")
    return redirect(url_for("staff.move_queue"))


@bp.route("/party/posts", methods=["GET", "POST"])
@policy.require_permission("party.posts")
def service_posts():
    """服务岗位: add, rename or retire the posts party members choose from."""
    if request.method == "POST":
        post_id = request.form.get("post_id", type=bounded_int)
        post = load_or_404(ServicePost, post_id) if post_id else None
        with committing() as done:
            party.save_service_post(current_user, post, name=request.form.get("name", ""),
                                    is_active=request.form.get("is_active") == "y")
        if done:
            flash(_("服务岗位已保存。"), "success")
        return redirect(url_for("staff.service_posts"))
    posts = party.all_service_posts()
    db.session.commit()
    return render_template("staff/service_posts.html", posts=posts)


@bp.get("/audit")
@policy.require_permission("audit.view")
def audit_log():
    page = page_arg()
    return render_template("staff/audit.html",
                           pagination=queries.audit_in_scope(current_user, page=page))
