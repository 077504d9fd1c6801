"""What the staff pages for matters (staff_views.py) share besides their routes: the choices
their forms offer (who a matter may be sent to, the categories and places a staff member files
in) and filing a matter for a resident found by phone."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.cases import services
from portal.cases import staff_queries as queries
from portal.cases.contact_models import DoorVisit, ReceptionBooking
from portal.cases.models import INSTANT, JOINT, Case, CaseCategory
from portal.cases.services.steps import MAX_PHOTOS
from portal.cases.staff_forms import DispatchForm, FileForForm, TransferForm
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.forms import int_or_zero, options
from portal.uploads import save_photo
from portal.zones.models import Zone
from portal.zones.services import zone_labels, zones_in_scope


def who(person: User) -> tuple[str, str]:
    """(group, label) of a person a matter may be sent to."""
    roles = {grant.role for grant in person.grants}
    if roles & {"admin", "superadmin"}:
        return _("社区工作人员"), _("%(name)s（管理员）", name=person.name)
    if "coordinator" in roles:
        return _("社区工作人员"), _("%(name)s（网格员）", name=person.name)
    if person.party is not None and person.party.status == "verified":
        return _("在职党员"), _("%(name)s（%(unit)s）", name=person.name,
                                 unit=person.party.work_unit)
    return _("单位联系人"), person.name


def dispatch_choices(case: Case, form: DispatchForm) -> None:
    """The community's active units first, then the people handler_query allows, by group;
    the category's default unit is chosen to start with."""
    unit_list = queries.units(case.community_id)
    people = [(f"user-{p.id}", *reversed(who(p))) for p in queries.handlers(case)]
    order = {_("社区工作人员"): 0, _("在职党员"): 1, _("单位联系人"): 2}
    people.sort(key=lambda choice: order.get(choice[2], 3))
    form.to.choices = options(
        [("", _("请选择"))]
        + [(f"unit-{u.id}", _("%(unit)s（%(name)s）", unit=u.name, name=u.contact.name),
            _("辖区单位")) for u in unit_list]
        + people)
    if not form.is_submitted() and any(u.id == case.unit_id for u in unit_list):
        form.to.data = f"unit-{case.unit_id}"


def transfer_choices(case: Case, form: TransferForm) -> None:
    form.handler.choices = options([(0, _("请选择"))] + [
        (p.id, who(p)[1]) for p in queries.handlers(case) if p.id != case.handler_id])


def track_words(category: CaseCategory) -> str:
    if category.track == INSTANT:
        return _("即办")
    if category.track == JOINT:
        return _("商办 %(days)d 个工作日", days=category.days)
    return _("限时办 %(days)d 个工作日", days=category.days)


def file_choices(form: FileForForm) -> None:
    """Active categories of the communities the staff member files in (grouped by community
    when there are several), and the places in their scope, the resident's home first."""
    places = queries.communities(current_user, "cases.file_for", around=True)
    many = len(places) > 1
    names = {c.id: c.name for c in places}
    form.category.choices = options([(0, _("请选择"))] + [
        (c.id, _("%(name)s · %(track)s", name=c.name, track=track_words(c)),
         names[c.community_id] if many else None)
        for c in queries.categories(names, active_only=True)])
    labels = zone_labels()
    zones = [z for z in zones_in_scope(current_user, "cases.file_for")
             if z.kind != "street" and not z.is_retired]
    form.zone.choices = options([(0, _("居民家所在的楼栋"))] + [
        (z.id, labels.get(z.id) or z.name) for z in zones])


def _resident(phone: str) -> User:
    """The resident with this phone, if the staff member may file for them; refusals are
    said on the form (the service checks the same rank rule again)."""
    resident = db.session.scalar(select(User).where(User.phone == normalise_phone(phone)))
    if resident is None:
        raise DomainError("no_resident", _("没有找到这个手机号的居民。请先在“居民与账号”里为居民"
                                           "开户，再来登记。"), 404)
    if resident.id == current_user.id:
        raise DomainError("own_phone", _("这是您自己的手机号：代居民登记只能为别人登记。"), 400)
    try:
        policy.check_action_on(current_user, "file_case_for", resident)
    except NotAllowed as refusal:
        message = refusal.message if policy.standing(resident) else _(
            "这位居民不住在您负责的范围内，请联系居民所在社区登记。")
        raise DomainError("not_in_scope", message, 403) from None
    return resident


def file_for(form: FileForForm) -> Case:
    """File the form's matter for the resident it names; photos are kept only if it commits."""
    resident = _resident(form.phone.data)
    files = [f for f in (form.photos.data or []) if f and f.filename]
    if len(files) > MAX_PHOTOS:
        raise DomainError("too_many_photos", _("最多上传 6 张照片。"), 400)
    zone = db.session.get(Zone, form.zone.data) if form.zone.data else resident.home_zone
    category = db.session.get(CaseCategory, form.category.data) if form.category.data else None
    visit = db.session.get(DoorVisit, form.visit.data) if form.visit.data else None
    booking = db.session.get(ReceptionBooking, form.booking.data) if form.booking.data else None
    photos = [save_photo(f, "cases", thumb=320) for f in files]
    return services.file_case(current_user, resident, category=category, zone=zone,
                              title=form.title.data, details=form.details.data or "",
                              place=form.place.data or "", public=form.public.data,
                              source=form.source.data, photos=photos, visit=visit,
                              booking=booking)


def prefill_from_contact(form: FileForForm, args) -> None:
    """The 登记事项 link of a door visit or a reception booking: the source, the visit or
    booking, and its place or resident, so the matter is one tap from where it was raised."""
    visit_id = int_or_zero(args.get("visit"))
    booking_id = int_or_zero(args.get("booking"))
    visit = db.session.get(DoorVisit, visit_id) if visit_id else None
    if visit is not None and visit.worker_id == current_user.id:
        form.source.data, form.visit.data, form.zone.data = "visit", visit.id, visit.zone_id
    booking = db.session.get(ReceptionBooking, booking_id) if booking_id else None
    if booking is not None and policy.may_act_on(current_user, "file_case_for", booking.user):
        form.source.data, form.booking.data = "reception", booking.id
        form.phone.data = booking.user.phone
        form.title.data = (booking.topic or "")[:40]
