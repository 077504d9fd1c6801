"""The certificate the route tables' URLs point at: issued to a resident of the building, from
an imported record of 2 hours. Used by tests/test_access.py's _targets."""

from portal.certificates import records, services
from portal.points import hours


def certificate_targets(make_user, community, grid, building, resident) -> dict:
    hours.credit_hours(resident.id, 120, source_type="import", source_id=resident.id,
                       memo="历史志愿服务记录导入")
    certificate = services.request_own(resident, records.Period("all"))
    return {"certificate_id": certificate.id, "certificate_number": certificate.number}
