"""志愿服务记录证明 for residents (我的 → 志愿时长 → 开具证明), the A4 page and PDF, and the
public verification page /v/<number> (no login, rate-limited like login)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import audit, policy, qr
from portal.certificates import codes, pdf, records, services
from portal.certificates.forms import RequestForm
from portal.certificates.models import Certificate
from portal.errors import DomainError
from portal.extensions import limiter
from portal.web.loading import load_or_404
from portal.web.navigation import base_url
from portal.web.transaction import committing

bp = Blueprint("certificates", __name__)


def period_from(form: RequestForm) -> records.Period:
    return services.period_of(form.period.data, form.year.data, form.first.data,
                              form.last.data)


@bp.get("/certificates/")
@login_required
def mine():
    return render_template("certificates/mine.html",
                           certificates=services.of_user(current_user.id))


@bp.route("/certificates/new", methods=["GET", "POST"])
@login_required
def new():
    form = RequestForm()
    if form.validate_on_submit():
        with committing(once=True) as done:
            certificate = services.request_own(current_user, period_from(form),
                                               form.id_number.data)
            done.answer = url_for("certificates.show", certificate_id=certificate.id)
        if done:
            flash(_("证明已开具。"), "success")
            return redirect(done.answer)
    return render_template("certificates/new.html", form=form)


def _viewable(certificate_id: int) -> Certificate:
    """The holder, or staff who may issue for the holder (over where they live)."""
    certificate = load_or_404(Certificate, certificate_id)
    if not (policy.is_own(current_user, certificate.user_id)
            or policy.can(current_user, "certificates.issue", certificate.user.home_zone)):
        abort(403)
    return certificate


def sheet_context(certificate: Certificate) -> dict:
    verify_url = f"{base_url()}{url_for('certificates.verify', number=certificate.number)}"
    return {
        "certificate": certificate, "verify_url": verify_url,
        "qr_svg": qr.svg(verify_url).decode(),
        "services": records.services(certificate.user_id,
                                     services.period_of_certificate(certificate),
                                     organiser=certificate.community.name),
        "id_number": codes.mask_id_number(certificate.id_number),
        "volunteer_no": f"{certificate.community.code}-{certificate.user_id:06d}",
    }


@bp.get("/certificates/<int:certificate_id>")
@login_required
def show(certificate_id: int):
    certificate = _viewable(certificate_id)
    return render_template("certificates/show.html", **sheet_context(certificate))


@bp.get("/certificates/<int:certificate_id>.pdf")
@login_required
def pdf_file(certificate_id: int):
    certificate = _viewable(certificate_id)
    html = render_template("certificates/pdf.html", **sheet_context(certificate))
    try:
        data = pdf.render(html)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("certificates.show", certificate_id=certificate.id))
    if not policy.is_own(current_user, certificate.user_id):
        with committing():  # staff taking a resident's record away: in the audit log
            audit.record(current_user, "certificate.pdf", certificate,
                         f"下载志愿服务记录证明 {certificate.number}（{certificate.user.name}）",
                         zone=certificate.community)
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition":
            f'attachment; filename="certificate-{certificate.number}.pdf"'})


def _not_genuine(response) -> bool:
    return response.status_code == 404


@bp.get("/v/<number>")
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], deduct_when=_not_genuine)
def verify(number: str):
    """Anyone, without logging in: genuine or not, and nothing more of the record (art. 16).
    Only failed look-ups count against the limit, so a guesser is stopped and a scan is not."""
    verdict = services.verify(number, request.remote_addr or "")
    return render_template("certificates/verify.html", verdict=verdict,
                           number=number[:40]), 200 if verdict.genuine else 404
