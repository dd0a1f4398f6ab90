import factory
from django.contrib.auth import get_user_model

from gongkai.org.models import Department, DepartmentKind, RoleGroup, StaffProfile


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"测试科室{n}")
    kind = DepartmentKind.INTERNAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.cn")
    password = factory.django.Password("correct-horse-battery")


def staff(username: str, *, role: str | None, department: Department):
    """A member of staff in `department` holding `role` (a code from org/roles.py)."""
    user = UserFactory(username=username)
    StaffProfile.objects.update_or_create(user=user, defaults={"department": department})
    if role:
        user.groups.add(RoleGroup.objects.get(code=role).group)
    return user
