"""Awards: rules or custom reasons, evidence, two-person approval, notice and objections."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.models import Message
from portal.points import awards, ledger
from portal.points.award_models import Award
from portal.points.models import LedgerEntry
from portal.points.rules import save_rule, seed_default_rules
from portal.uploads import photo_path, save_photo


@pytest.fixture
def rules():
    seed_default_rules()
    db.session.commit()
    from portal.points.models import PointsRule

    return {r.code: r for r in db.session.scalars(select(PointsRule))}


def entries():
    return db.session.scalar(select(func.count(LedgerEntry.id)))


def test_small_rule_award_posts_at_once_and_goes_on_notice(tree, make_user, rules):
    coordinator = make_user("coordinator", zone=tree.xinan)
    resident = make_user()
    award = awards.record_award(coordinator, resident, rule=rules["mediation"],
                                evidence_note="调解3栋漏水纠纷")
    db.session.commit()
    assert award.status == "posted" and award.points_tenths == 15
    assert ledger.balance_of(resident.id) == 15
    assert award.notice_until_dt - award.posted_dt == timedelta(days=3)
    assert award.entry.memo == "积分奖励：调处纠纷"


def test_award_above_threshold_waits_for_a_second_person(tree, make_user, rules):
    coordinator = make_user("coordinator", zone=tree.xinan)
    admin = make_user("admin", zone=tree.xinan)
    resident = make_user()
    award = awards.record_award(coordinator, resident, points="8", reason="扑灭楼道火情",
                                evidence_note="消防站出具证明")
    db.session.commit()
    assert award.status == "pending" and ledger.balance_of(resident.id) == 0
    awards.approve_award(admin, award)
    db.session.commit()
    assert award.status == "posted" and award.decided_by_id == admin.id
    assert ledger.balance_of(resident.id) == 80
    with pytest.raises(DomainError) as error:
        awards.approve_award(admin, award)
    assert error.value.code == "not_pending"
    assert entries() == 1


def test_threshold_itself_posts_without_approval(tree, make_user):
    coordinator = make_user("coordinator", zone=tree.xinan)
    award = awards.record_award(coordinator, make_user(), points="5", reason="好人好事",
                                evidence_note="拾金不昧")
    assert award.status == "posted"


def test_nobody_approves_their_own_award(tree, make_user):
    admin = make_user("admin", zone=tree.xinan)
    award = awards.record_award(admin, make_user(), points="10", reason="救人",
                                evidence_note="见义勇为")
    db.session.commit()
    for verb in (awards.approve_award, lambda a, w: awards.reject_award(a, w, "不行")):
        with pytest.raises(DomainError) as error:
            verb(admin, award)
        assert error.value.code == "own_award"
    assert entries() == 0


def test_rejection_needs_a_reason_and_credits_nothing(tree, make_user):
    coordinator = make_user("coordinator", zone=tree.xinan)
    admin = make_user("admin", zone=tree.xinan)
    award = awards.record_award(coordinator, make_user(), points="6", reason="协助",
                                evidence_note="说明")
    with pytest.raises(DomainError) as error:
        awards.reject_award(admin, award, "  ")
    assert error.value.code == "needs_reason"
    awards.reject_award(admin, award, "证明材料不足")
    db.session.commit()
    assert award.status == "rejected" and entries() == 0


@pytest.mark.parametrize("kwargs, code", [
    ({"points": "2", "reason": "", "evidence_note": "x"}, "needs_reason"),
    ({"points": "2", "reason": "好事", "evidence_note": ""}, "needs_evidence"),
    ({"points": "2.25", "reason": "好事", "evidence_note": "x"}, "bad_points"),
    ({"points": "-3", "reason": "好事", "evidence_note": "x"}, "points_out_of_range"),
])
def test_bad_awards_are_refused(tree, make_user, kwargs, code):
    coordinator = make_user("coordinator", zone=tree.xinan)
    with pytest.raises(DomainError) as error:
        awards.record_award(coordinator, make_user(), **kwargs)
    assert error.value.code == code
    db.session.rollback()
    assert db.session.scalar(select(func.count(Award.id))) == 0


def test_per_hour_rule_cannot_be_a_manual_award(tree, make_user, rules):
    coordinator = make_user("coordinator", zone=tree.xinan)
    with pytest.raises(DomainError) as error:
        awards.record_award(coordinator, make_user(), rule=rules["volunteer_hour"],
                            evidence_note="x")
    assert error.value.code == "bad_rule"


def test_awards_are_scoped(tree, make_user):
    coordinator = make_user("coordinator", zone=tree.xinan)
    clerk = make_user("clerk", zone=tree.xinan)
    outsider = make_user(home=tree.dongmei_building)
    for actor, target in [(coordinator, outsider), (clerk, make_user())]:
        with pytest.raises(DomainError) as error:
            awards.record_award(actor, target, points="1", reason="好事", evidence_note="x")
        assert error.value.code == "forbidden"


def test_objection_kept_or_reversed(tree, make_user):
    coordinator = make_user("coordinator", zone=tree.xinan)
    admin = make_user("admin", zone=tree.xinan)
    resident, neighbour, other = make_user(), make_user(), make_user()
    award = awards.record_award(coordinator, resident, points="3", reason="救人",
                                evidence_note="说明")
    db.session.commit()
    first = awards.raise_objection(neighbour, award, "当时我也在场，是别人救的")
    with pytest.raises(DomainError) as error:
        awards.raise_objection(neighbour, award, "再说一次")
    assert error.value.code == "already_objected"
    second = awards.raise_objection(other, award, "情况不属实")
    awards.resolve_objection(admin, first, reverse=False, note="经核实属实")
    db.session.commit()
    assert first.status == "kept" and ledger.balance_of(resident.id) == 30
    awards.resolve_objection(admin, second, reverse=True, note="复核后不属实")
    db.session.commit()
    assert award.status == "reversed" and ledger.balance_of(resident.id) == 0
    assert ledger.verify_balances() == []


def messages_to(user) -> list[Message]:
    return list(db.session.scalars(
        select(Message).where(Message.user_id == user.id).order_by(Message.id)))


def test_a_kept_objection_tells_the_objector_the_decision_and_the_note(tree, make_user,
                                                                       texts):
    coordinator = make_user("coordinator", zone=tree.xinan)
    admin = make_user("admin", zone=tree.xinan)
    resident, neighbour = make_user(name="王秀英"), make_user()
    award = awards.record_award(coordinator, resident, points="3", reason="救人",
                                evidence_note="说明")
    objection = awards.raise_objection(neighbour, award, "当时我也在场，是别人救的")
    db.session.commit()
    assert messages_to(neighbour) == []
    awards.resolve_objection(admin, objection, reverse=False, note="经核实，监控显示属实")
    db.session.commit()
    [message] = messages_to(neighbour)
    assert message.kind == "objection.kept"
    text = message.title + message.body
    assert "维持" in text and "救人" in text and "经核实，监控显示属实" in message.body
    assert "王秀英" not in text and "王**" in message.body   # the notice's masking holds
    assert message.link is None                            # self-sufficient: nothing to open
    assert texts == [(neighbour.phone, "【社区微平台】" + message.title)]
    assert messages_to(resident) == []                     # a kept award changes nothing


def test_a_reversal_tells_every_objector_and_the_recipient_once(tree, make_user, texts):
    coordinator = make_user("coordinator", zone=tree.xinan)
    admin = make_user("admin", zone=tree.xinan)
    resident, neighbour, other = make_user(), make_user(), make_user()
    award = awards.record_award(coordinator, resident, points="3", reason="救人",
                                evidence_note="说明")
    first = awards.raise_objection(neighbour, award, "当时我也在场，是别人救的")
    awards.raise_objection(other, award, "情况不属实")
    db.session.commit()
    awards.resolve_objection(admin, first, reverse=True, note="复核后不属实")
    db.session.commit()
    for objector in (neighbour, other):
        [message] = messages_to(objector)
        assert message.kind == "objection.reversed"
        assert "撤销" in message.title and "复核后不属实" in message.body
    [told] = messages_to(resident)
    assert told.kind == "award.reversed" and told.link == f"/points/awards/{award.id}"
    assert "救人" in told.title and "复核后不属实" in told.body and "3" in told.body
    assert sorted(phone for phone, _text in texts) == sorted(
        [neighbour.phone, other.phone, resident.phone])


def test_a_refused_resolution_tells_nobody(tree, make_user, texts):
    coordinator = make_user("coordinator", zone=tree.xinan)
    admin = make_user("admin", zone=tree.xinan)
    resident, neighbour = make_user(), make_user()
    award = awards.record_award(coordinator, resident, points="3", reason="救人",
                                evidence_note="说明")
    objection = awards.raise_objection(neighbour, award, "不属实")
    db.session.commit()
    with pytest.raises(DomainError):
        awards.resolve_objection(admin, objection, reverse=True, note="  ")
    db.session.rollback()
    assert messages_to(neighbour) == [] and messages_to(resident) == [] and texts == []


def test_objection_after_notice_period_is_refused(tree, make_user):
    coordinator = make_user("coordinator", zone=tree.xinan)
    award = awards.record_award(coordinator, make_user(), points="1", reason="好事",
                                evidence_note="x")
    award.notice_until_dt = award.posted_dt - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        awards.raise_objection(make_user(), award, "不同意")
    assert error.value.code == "notice_closed"


def _upload(data: bytes, name="photo.jpg") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="image/jpeg")


def test_photo_is_resized_and_stripped_of_exif(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    image = Image.new("RGB", (3000, 2000), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    name = save_photo(_upload(buffer.getvalue()), "awards")
    with Image.open(photo_path("awards", name)) as stored:
        assert max(stored.size) == 1280
        assert not stored.getexif()


@pytest.mark.parametrize("data", [b"not an image at all", b"", b"\x89PNG\r\n\x1a\n broken",
                                  b"GIF89a" + b"\x00" * 20])
def test_non_images_are_refused(app, tmp_path, data):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    with pytest.raises(DomainError) as error:
        save_photo(_upload(data), "awards")
    assert error.value.code == "bad_image"


def test_photo_path_never_leaves_the_folder(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    assert photo_path("awards", "../../etc/passwd") is None
    assert photo_path("awards", ".hidden") is None


def test_admin_edits_rules_others_cannot(tree, make_user, rules):
    admin = make_user("admin", zone=tree.xinan)
    rule = save_rule(admin, rules["mediation"], code="mediation", name="调处纠纷", mode="fixed",
                     points="2", cap="", description="新的说明", is_active=True)
    assert rule.points_tenths == 20
    with pytest.raises(DomainError) as error:
        save_rule(admin, None, code="mediation", name="重复", mode="fixed", points="1", cap="",
                  description="", is_active=True)
    assert error.value.code == "code_taken"
    with pytest.raises(DomainError) as error:
        save_rule(make_user("coordinator", zone=tree.xinan), None, code="new_rule", name="新",
                  mode="fixed", points="1", cap="", description="", is_active=True)
    assert error.value.code == "forbidden"
