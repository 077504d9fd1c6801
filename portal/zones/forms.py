"""Zone forms: shape only; placement rules live in zones.services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from portal.forms import int_or_zero, max_length, options, required
from portal.zones.services import KIND_LABELS


class ZoneForm(FlaskForm):
    name = StringField(_l("名称"), validators=[required(), max_length(60)],
                       description=_l("例如：新安路社区、第一网格、3 栋"))
    code = StringField(_l("编码"), validators=[required(), max_length(32)],
                       description=_l("字母、数字和短横线，例如 DC-XA-01"),
                       render_kw={"autocapitalize": "characters", "spellcheck": "false"})


class NewZoneForm(ZoneForm):
    kind = SelectField(_l("类型"), choices=options(KIND_LABELS.items()), validate_choice=False)


class MoveZoneForm(FlaskForm):
    parent = SelectField(_l("移到哪个上级之下"), coerce=int_or_zero, validate_choice=False)
