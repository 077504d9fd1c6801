"""微议事 meeting forms (shape only; the rules live in council/services.py and meetings.py)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Optional

from portal.accounts.forms import MultiCheckboxField, PhoneField
from portal.forms import (
    PageForm,
    date_range,
    int_or_zero,
    max_length,
    number_range,
    options,
    required,
)

PASS_CHOICES = (("two_thirds", _l("到会人数的三分之二以上同意")),
                ("majority", _l("到会人数的过半数同意")))
QUORUM_CHOICES = (("majority", _l("过半数成员到会")),)
CHOICE_WORDS = {"yes": _l("同意"), "no": _l("反对"), "abstain": _l("弃权")}
METHOD_WORDS = {"scan": _l("扫码"), "clerk": _l("登记"), "proxy": _l("委托")}


class BodyForm(PageForm):
    name = StringField(_l("名称"), validators=[required(), max_length(30)],
                       description=_l("例如：居民代表会议、居民议事会、党群联席会"))
    quorum_rule = SelectField(_l("开会人数"), choices=options(QUORUM_CHOICES))
    pass_rule = SelectField(_l("表决通过"), choices=options(PASS_CHOICES),
                            description=_l("弃权算到会，不算同意。"))
    roll_call = BooleanField(_l("记名表决：公示时列出每位成员的表决意见"))
    is_active = BooleanField(_l("在用"), default=True)


class BackingForm(PageForm):
    """How many backers send a resident's topic to the party branch."""

    threshold = IntegerField(_l("联署人数"), default=20, render_kw={"inputmode": "numeric"},
                             validators=[Optional(), number_range(1, 10000)],
                             description=_l("本社区居民联署满这个人数，议题交社区党组织审核。"))
    households_fifth = BooleanField(_l("改按本社区已知户数的五分之一计（同召集居民会议）"))


class MemberForm(PageForm):
    phone = PhoneField(_l("代表的手机号"), validators=[required()],
                       description=_l("须是本社区已开户的居民。"))
    zone = SelectField(_l("代表的网格或楼栋"), coerce=int_or_zero, validate_choice=False)
    term_start = DateField(_l("任期开始"), validators=[required(), date_range])
    term_end = DateField(_l("任期结束（可不填）"), validators=[Optional(), date_range])
    households = IntegerField(_l("代表的户数（联户代表填，可不填）"),
                              render_kw={"inputmode": "numeric"},
                              validators=[Optional(), number_range(1, 500)],
                              description=_l("居民代表一般每五至十五户推选一人。"))


class EndTermForm(PageForm):
    day = DateField(_l("任期结束日期"), validators=[required(), date_range])


class MeetingForm(PageForm):
    body = SelectField(_l("议事机构"), coerce=int_or_zero, validate_choice=False)
    title = StringField(_l("会议名称"), validators=[required(), max_length(60)],
                        description=_l("例如：十二月居民代表会议"))
    day = DateField(_l("日期"), validators=[required(), date_range])
    at = TimeField(_l("开始时间"), validators=[required()])
    place = StringField(_l("地点"), validators=[required(), max_length(60)],
                        description=_l("例如：党群服务中心二楼会议室"))
    topics = MultiCheckboxField(_l("议程（已立项的议题）"), coerce=int_or_zero, choices=[],
                                validate_choice=False)


class ScanForm(PageForm):
    code = StringField(_l("成员的会员码"), validators=[required(), max_length(500)],
                       description=_l("用扫码枪扫成员手机上的会员码，或手动输入码下面的数字。"),
                       render_kw={"autocomplete": "off"})


class ProxyForm(PageForm):
    member = SelectField(_l("委托出席的成员"), coerce=int_or_zero, validate_choice=False)
    note = StringField(_l("受托人和原因"), validators=[required(), max_length(200)],
                       description=_l("例如：委托邻居王建国出席，本人住院"))


class PaperForm(PageForm):
    member = SelectField(_l("投纸质票的成员"), coerce=int_or_zero, validate_choice=False)
    choice = SelectField(_l("表决意见"), choices=options(CHOICE_WORDS.items()))


class VoteForm(PageForm):
    #: the pressed button's value: yes, no or abstain (the service refuses anything else)
    choice = StringField(validators=[max_length(10)])


class ProgressForm(PageForm):
    text = TextAreaField(_l("落实进展"), validators=[required(), max_length(500)],
                         description=_l("例如：12 月 14 日起周六上午市场东侧划出临时停车区。"))
