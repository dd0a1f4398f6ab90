"""Public API of the organisation: the bureau's contacts and its departments."""

from ninja import Router, Schema

from .models import Bureau
from .selectors import active_departments

PREFIX = "org"
router = Router(tags=["机构 organisation"])


class BureauOut(Schema):
    name: str
    organisation_code: str
    office_name: str
    address: str
    postcode: str
    office_hours: str
    phone: str
    fax: str
    email: str


class DepartmentOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    kind_display: str
    duties: str
    phone: str

    @staticmethod
    def resolve_kind_display(obj) -> str:
        return str(obj.get_kind_display())


@router.get("/bureau", response=BureauOut, summary="本机关及政府信息公开工作机构联系方式")
def bureau(request):
    return Bureau.load(request_or_site=request)


@router.get("/departments", response=list[DepartmentOut], summary="内设科室和直属单位")
def departments(request):
    return list(active_departments())
