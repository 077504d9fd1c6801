"""The loop from 提单 to 评单, its rules, and who may take each step."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.cases import access, services
from portal.cases.models import Case, CaseEvent
from portal.errors import NotAllowed
from portal.extensions import db
from portal.teams import services as teams
from portal.types import utcnow
from tests.cases.conftest import TUESDAY
from tests.helpers import code_of, messages


def refused(call, *args, **kwargs):
    """The error code of a refused step, after committing what came before it."""
    db.session.commit()
    return code_of(call, *args, **kwargs)


def kinds(case):
    return [e.kind for e in db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))]


def test_the_whole_loop_with_a_reopening(file, resident, admin, gridworker, make_user):
    case = file()
    assert case.status == "new" and case.track == "timed"
    # 房屋漏水: 5 working days from Tuesday 2026-11-10 is Tuesday the 17th
    assert case.due_dt.date().isoformat() == "2026-11-17"
    services.dispatch(admin, case, gridworker)
    assert case.status == "dispatched" and case.handler_id == gridworker.id
    assert messages(gridworker, "case.dispatched")
    services.accept(gridworker, case)
    services.progress(gridworker, case, "已联系物业，明天上楼顶查看。")
    services.resolve(gridworker, case, "楼顶防水层已修补。")
    assert case.status == "resolved" and messages(resident, "case.resolved")
    services.rate(resident, case, rating="unsatisfied", resolution="partly",
                  comment="卧室还在滴水")
    assert case.status == "revisit" and case.reopen_count == 1
    # the handler may not make the 回访; another staff member does
    assert refused(services.revisit, gridworker, case, "上门看过") in ("self_dealing",
                                                                       "forbidden")
    services.revisit(admin, case, "上门查看：卧室窗边仍渗水，需重新修补。")
    assert case.status == "new" and case.handler_id is None
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    services.resolve(gridworker, case, "窗边重新打胶，已不漏。")
    services.rate(resident, case, rating="satisfied", resolution="solved", comment="谢谢")
    db.session.commit()
    assert case.status == "closed" and case.closed_dt is not None
    assert kinds(case) == ["filed", "dispatched", "accepted", "progress", "resolved", "rated",
                           "reopened", "revisited", "dispatched", "accepted", "resolved",
                           "rated"]


def test_staff_file_for_a_resident_after_a_door_visit(categories, resident, gridworker, tree):
    case = services.file_case(gridworker, resident, category=categories["邻里纠纷"],
                              zone=tree.xinan_building, title="楼上装修噪音",
                              source="visit")
    db.session.commit()
    assert case.filed_by_id == gridworker.id and case.resident_id == resident.id
    assert "入户走访" in case.events[0].note and "代居民提交" in case.events[0].note
    assert resident.name not in case.events[0].note  # joined neighbours read the timeline
    # a resident files only for themselves, and only online
    assert refused(services.file_case, resident, resident, category=categories["邻里纠纷"],
                   zone=tree.xinan_building, title="楼上装修噪音",
                   source="hotline") == "bad_source"


def test_staff_cannot_file_for_someone_of_their_standing(categories, gridworker, make_user,
                                                         tree):
    colleague = make_user("coordinator", zone=tree.xinan)
    with pytest.raises(NotAllowed):
        services.file_case(gridworker, colleague, category=categories["邻里纠纷"],
                           zone=tree.xinan_building, title="楼上装修噪音", source="phone")


@pytest.mark.parametrize("fields, code", [
    ({"title": "漏"}, "bad_title"),
    ({"title": "漏" * 41}, "bad_title"),
    ({"details": "很" * 2001}, "bad_details"),
    ({"place": "号" * 81}, "bad_place"),
    ({"photos": ["a.jpg"] * 7}, "too_many_photos"),
])
def test_bad_fields_are_refused(file, fields, code):
    assert refused(file, **fields) == code
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_a_place_outside_the_community_is_refused(file, tree):
    assert refused(file, zone=tree.dongmei_building) == "bad_zone"
    assert refused(file, zone=tree.street) == "bad_zone"


def test_instant_matters_are_due_the_same_working_day(file):
    case = file("安全隐患", title="楼道堆放杂物")
    assert case.track == "instant"
    assert case.due_dt.date().isoformat() == "2026-11-10"


def test_claimable_kinds_go_to_the_pool_and_one_member_claims(file, make_user, resident,
                                                              tree):
    case = file("助老助残", title="帮独居老人换灯泡")
    assert case.status == "pool"
    member = make_user(party="verified", name="李建国")
    second = make_user(party="verified")
    outsider = make_user(party="verified", home=tree.dongmei_building)
    assert "claim" in access.allowed_actions(member, case)
    assert "claim" not in access.allowed_actions(resident, case)  # never their own
    services.claim(member, case)
    assert case.status == "accepted" and case.handler_id == member.id
    assert refused(services.claim, second, case) == "already_claimed"
    assert refused(services.claim, outsider, case) == "forbidden"


def test_a_pending_party_member_cannot_claim(file, make_user):
    case = file("助老助残", title="帮独居老人换灯泡")
    pending = make_user(party="pending")
    with pytest.raises(NotAllowed):
        services.claim(pending, case)


def test_dispatch_only_to_someone_who_may_handle_it(file, admin, make_user, tree, resident):
    case = file()
    stranger = make_user(home=tree.dongmei_building)
    assert refused(services.dispatch, admin, case, stranger) == "bad_handler"
    # never to the resident it is for, even when they are staff
    assert refused(services.dispatch, admin, case, resident) == "bad_handler"
    gridworker_elsewhere = make_user("coordinator", zone=tree.dongmei)
    assert refused(services.dispatch, admin, case, gridworker_elsewhere) == "bad_handler"


def test_only_the_community_dispatches(file, gridworker, make_user, tree):
    case = file()
    with pytest.raises(NotAllowed):
        services.dispatch(gridworker, case, gridworker)
    dongmei_admin = make_user("admin", zone=tree.dongmei)
    with pytest.raises(NotAllowed):
        services.dispatch(dongmei_admin, case, gridworker)


def test_a_unit_takes_it_through_its_contact(file, admin, make_user, tree):
    contact = make_user(name="物业周经理")
    unit = services.save_unit(admin, None, community=tree.xinan, name="新安物业公司",
                              contact=contact)
    case = file()
    services.dispatch(admin, case, None, unit=unit)
    assert case.handler_id == contact.id and case.unit_id == unit.id
    services.accept(contact, case)
    assert case.status == "accepted"


def test_hand_back_transfer_and_one_extension(file, admin, gridworker, make_user, resident,
                                              tree):
    case = file()
    services.dispatch(admin, case, gridworker)
    assert refused(services.hand_back, gridworker, case, "") == "needs_reason"
    services.hand_back(gridworker, case, "不属于本网格，请派给物业")
    assert case.status == "new" and case.handler_id is None
    other = make_user("coordinator", zone=tree.xinan)
    services.dispatch(admin, case, gridworker)
    services.transfer(gridworker, case, other, "需要社区统一协调")
    assert case.handler_id == other.id and case.status == "dispatched"
    services.accept(other, case)
    before = case.due_dt
    services.extend(other, case, 2, "等材料到货")
    assert case.due_dt > before and case.extended
    assert messages(resident, "case.extended")
    assert refused(services.extend, other, case, 2, "还要等") == "already_extended"
    assert refused(services.extend, other, case, 99, "还要等") in ("bad_days",
                                                                    "already_extended")


def test_someone_else_cannot_work_the_matter(file, admin, gridworker, make_user, tree):
    case = file()
    services.dispatch(admin, case, gridworker)
    other = make_user("coordinator", zone=tree.xinan)
    for call in (lambda: services.accept(other, case),
                 lambda: services.resolve(other, case, "办好了")):
        with pytest.raises(NotAllowed):
            call()


def test_a_phone_rating_says_so_and_never_by_the_handler(file, admin, gridworker, make_user,
                                                         tree):
    case = file()
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    services.resolve(gridworker, case, "已修好")
    db.session.commit()
    with pytest.raises(NotAllowed):  # a coordinator does not record ratings
        services.rate(gridworker, case, rating="satisfied", resolution="solved", by_phone=True)
    admin_handler = make_user("admin", zone=tree.xinan)
    case2 = file(title="2号楼漏水")
    services.dispatch(admin, case2, admin_handler)
    services.accept(admin_handler, case2)
    services.resolve(admin_handler, case2, "已修好")
    assert refused(services.rate, admin_handler, case2, rating="satisfied",
                   resolution="solved", by_phone=True) == "self_dealing"
    services.rate(admin, case, rating="basic", resolution="solved", by_phone=True)
    assert case.rated_by_id == admin.id and "电话评价" in case.events[-1].note


def test_rating_choices_are_checked(file, admin, gridworker, resident):
    case = file()
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    services.resolve(gridworker, case, "已修好")
    db.session.commit()
    assert refused(services.rate, resident, case, rating="great", resolution="solved") == \
        "bad_rating"
    assert refused(services.rate, resident, case, rating="satisfied", resolution="maybe") == \
        "bad_resolution"
    services.rate(resident, case, rating="satisfied", resolution="partly")
    assert refused(services.rate, resident, case, rating="satisfied",
                   resolution="solved") == "wrong_status"


def test_unrated_matters_close_after_seven_days_and_never_count_as_satisfied(
        file, admin, gridworker):
    case = file()
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    services.resolve(gridworker, case, "已修好", now=TUESDAY)
    db.session.commit()
    assert services.close_unrated(TUESDAY + timedelta(days=6)) == 0
    assert services.close_unrated(TUESDAY + timedelta(days=7, minutes=1)) == 1
    assert case.status == "closed" and case.rating is None
    assert services.close_unrated(TUESDAY + timedelta(days=8)) == 0


def test_decline_says_why(file, admin, resident):
    case = file("政策咨询", title="咨询医保报销")
    assert refused(services.decline, admin, case, "") == "needs_reason"
    assert refused(services.decline, admin, case, "请" * 201) == "needs_reason"
    services.decline(admin, case, "医保报销请到街道社保窗口办理，电话 12345。")
    assert case.status == "declined" and "社保窗口" in case.decline_reason
    assert "社保窗口" in messages(resident, "case.declined")[0].body


def test_joint_meeting_decision_only_for_joint_matters(file, admin):
    parking = file("停车", title="电动车停车棚")
    assert parking.track == "joint"
    services.joint_decision(admin, parking, "联席会议决定：物业在3号楼旁建停车棚，派出所配合。")
    leak = file()
    assert refused(services.joint_decision, admin, leak, "决定") == "not_joint"


def test_me_too(file, make_user, resident, categories, tree):
    case = file()
    neighbour = make_user(name="邻居老李")
    assert services.similar_open(categories["房屋漏水"], tree.xinan_building) == [case]
    assert services.join(neighbour, case) is True
    assert services.join(neighbour, case) is False
    db.session.commit()
    assert case.metoo_count == 1
    assert refused(services.join, resident, case) == "own_case"
    assert services.similar_open(categories["停车"], tree.xinan_building) == []


def test_withdraw_only_before_work_starts(file, admin, gridworker, resident):
    case = file()
    services.withdraw(resident, case, "已自行解决")
    assert case.status == "withdrawn"
    other = file(title="2号楼漏水")
    services.dispatch(admin, other, gridworker)
    services.accept(gridworker, other)
    assert refused(services.withdraw, resident, other) == "wrong_status"


def test_privacy_of_contact(file, admin, gridworker, make_user):
    case = file()
    neighbour = make_user()
    assert access.sees_contact(admin, case) and access.sees_contact(gridworker, case)
    assert not access.sees_contact(neighbour, case)
    assert not access.may_view(neighbour, case)


def test_a_map_point_is_kept_when_given_and_checked(file):
    case = file(point=("30.274085", "120.155070"))
    assert (case.geo_lat, case.geo_lng) == (30.274085, 120.15507)
    assert file(title="2号楼漏水").geo_lat is None
    for bad in (("91", "120"), ("nan", "120"), ("30", ""), ("x", "y"), ("1e400", "0")):
        assert refused(file, point=bad) == "bad_point"


def test_a_volunteer_teams_leader_takes_matters(file, admin, make_user, tree):
    leader = make_user(name="七色花队长")
    team = teams.create_team(admin, name="七色花志愿服务队", zone=tree.xinan_grid)
    team.leader_id = leader.id
    db.session.commit()
    case = file()
    services.dispatch(admin, case, leader)
    assert case.handler_id == leader.id
    pooled = file("助老助残", title="帮独居老人换灯泡")
    assert access.may_claim(leader, pooled)
    services.claim(leader, pooled)
    assert pooled.handler_id == leader.id


def test_a_matter_closed_unrated_can_still_be_rated_and_reopened(file, admin, gridworker,
                                                                 resident):
    """FixMyStreet #897: the resident comes back after the 7 days and says it is not fixed."""
    case = file()
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    services.resolve(gridworker, case, "已修好", now=TUESDAY)
    db.session.commit()
    assert services.close_unrated(TUESDAY + timedelta(days=8)) == 1
    db.session.commit()
    assert case.status == "closed" and "rate" in access.allowed_actions(resident, case)
    services.rate(resident, case, rating="unsatisfied", resolution="unsolved",
                  comment="下雨又漏了")
    assert case.status == "revisit" and case.closed_dt is None
    assert "结案后评价" in case.events[-2].note
    services.revisit(admin, case, "上门看过，需重新修补。")
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    services.resolve(gridworker, case, "重新修补")
    services.rate(resident, case, rating="satisfied", resolution="solved")
    db.session.commit()
    assert case.status == "closed" and case.rating == "satisfied"
    assert "rate" not in access.allowed_actions(resident, case)
    assert refused(services.rate, resident, case, rating="unsatisfied",
                   resolution="unsolved") == "wrong_status"


def test_the_late_rating_window_closes(file, admin, gridworker, resident):
    long_ago = utcnow() - timedelta(days=60)
    case = file(now=long_ago)
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    services.resolve(gridworker, case, "已修好", now=long_ago)
    db.session.commit()
    assert services.close_unrated(utcnow() - timedelta(days=31)) == 1
    db.session.commit()
    assert case.status == "closed" and "rate" not in access.allowed_actions(resident, case)
    assert refused(services.rate, resident, case, rating="satisfied",
                   resolution="solved") == "wrong_status"
