import io
from dataclasses import dataclass

import pytest

from gongkai.org.models import Bureau
from gongkai.portal.models import HomePage
from gongkai.portal.seeds import seed

TEST_BUREAU = {
    "name": "毕节市人力资源和社会保障局",
    "short_name": "市人社局",
    "office_name": "局办公室",
    "address": "贵州省毕节市七星关区示范路1号",
    "postcode": "551700",
    "office_hours": "工作日 上午9:00—12:00，下午14:30—17:30",
    "phone": "0857-1234567",
    "fax": "0857-1234568",
    "email": "gongkai@example.gov.cn",
    "website_record": "黔ICP备12345678号",
}


@dataclass
class World:
    bureau: Bureau
    home: HomePage


@pytest.fixture
def world(db: None) -> World:
    """A small bureau with its home page as the default site's root."""
    bureau = Bureau.load()
    for field, value in TEST_BUREAU.items():
        setattr(bureau, field, value)
    bureau.save()
    seed(stdout=io.StringIO())
    return World(bureau=bureau, home=HomePage.objects.get())
