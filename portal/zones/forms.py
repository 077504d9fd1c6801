"""Zone forms: shape only; placement rules live in zones.services."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField

from portal.forms import PageForm, int_or_zero, max_length, options, required
from portal.zones.services import KIND_LABELS


class ZoneForm(PageForm):
    name = StringField(_l("名称"), validators=[required(), max_length(60)],
                       description=_l("例如：新安路社区、第一网格、3 栋"))
    code = StringField(_l("编码"), validators=[required(), max_length(32)],
                       description=_l("字母、数字和短横线，例如 DC-XA-01"),
                       render_kw={"autocapitalize": "characters", "spellcheck": "false"})


class GeofenceForm(ZoneForm):
    geo_lat = StringField(_l("签到范围：纬度"), validators=[max_length(20)],
                          render_kw={"inputmode": "decimal"},
                          description=_l("可不填。设了以后，自助扫码签到要在范围内。例如 25.4380"))
    geo_lng = StringField(_l("签到范围：经度"), validators=[max_length(20)],
                          render_kw={"inputmode": "decimal"}, description=_l("例如 119.0060"))
    geo_radius_m = StringField(_l("签到范围：半径（米）"), validators=[max_length(6)],
                               render_kw={"inputmode": "numeric"},
                               description=_l("20 到 5000 米，例如 150"))


class NewZoneForm(ZoneForm):
    kind = SelectField(_l("类型"), choices=options(KIND_LABELS.items()), validate_choice=False)


class MoveZoneForm(PageForm):
    parent = SelectField(_l("移到哪个上级之下"), coerce=int_or_zero, validate_choice=False)
