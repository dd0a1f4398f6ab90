"""Staff roles, realised as Wagtail groups.

The plan's 三(一) names who does what: drafting sections, the office that
checks confidentiality (局办公室), the policy & regulations section, the
leaders who sign off and the information centre that runs the site. Each is
a `Role` here. Later modules add the permissions their screens need with
`grant()`, `grant_page()` (over the page tree) and `grant_collection()`
(documents and images, over every collection) from their `AppConfig.ready()`;
`sync_roles()` (run after every migrate) makes the groups match.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

STAFF_BASE = (
    "wagtailadmin.access_admin",
    "org.view_department",
    "org.view_responsibility",
    "core.view_calendaryear",
)


@dataclass
class Role:
    code: str
    name: str  # msgid; the group is named with its Chinese translation
    description: str
    permissions: set[str] = field(default_factory=set)
    # Wagtail page permissions (codenames like "publish_page") over the whole page tree.
    page_permissions: set[str] = field(default_factory=set)
    # Document and image permissions ("wagtaildocs.add_document") over the root collection:
    # Wagtail checks these per collection and ignores them as plain group permissions.
    collection_permissions: set[str] = field(default_factory=set)


_ROLES: dict[str, Role] = {}


def register_role(
    code: str,
    name,
    description,
    permissions=(),
    page_permissions=(),
    collection_permissions=(),
) -> Role:
    role = _ROLES.setdefault(code, Role(code, name, description))
    role.permissions.update(STAFF_BASE)
    role.permissions.update(permissions)
    role.page_permissions.update(page_permissions)
    role.collection_permissions.update(collection_permissions)
    return role


def grant(code: str, *permissions: str) -> None:
    """Give a role more permissions (called by later modules)."""
    _ROLES[code].permissions.update(permissions)


def grant_page(code: str, *codenames: str) -> None:
    """Give a role more Wagtail page permissions over the tree (called by later modules)."""
    _ROLES[code].page_permissions.update(codenames)


def grant_collection(code: str, *permissions: str) -> None:
    """Give a role document/image permissions over every collection (called by later modules)."""
    _ROLES[code].collection_permissions.update(permissions)


def roles() -> list[Role]:
    return list(_ROLES.values())


def get_role(code: str) -> Role:
    return _ROLES[code]


DRAFTER = "drafter"
DEPARTMENT_HEAD = "department_head"
OFFICE_REVIEWER = "office_reviewer"
POLICY_REVIEWER = "policy_reviewer"
LEADER = "leader"
SITE_ADMIN = "site_admin"

# Upload attachments and pictures and pick them in the editor; edit one's own uploads.
MEDIA_CONTRIBUTE = (
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
)
MEDIA_MANAGE = (
    *MEDIA_CONTRIBUTE,
    "wagtaildocs.change_document",
    "wagtaildocs.delete_document",
    "wagtailimages.change_image",
    "wagtailimages.delete_image",
)

register_role(
    DRAFTER,
    _("Drafter"),
    _("Drafts content for their own department."),
    collection_permissions=MEDIA_CONTRIBUTE,
)
register_role(
    DEPARTMENT_HEAD,
    _("Department head"),
    _("Reviews the department's drafts (初审)."),
    collection_permissions=MEDIA_CONTRIBUTE,
)
register_role(
    OFFICE_REVIEWER,
    _("Office reviewer"),
    _("局办公室: confidentiality and personal-data review (复审), coordinates publication."),
    ["core.add_calendaryear", "core.change_calendaryear"],
    collection_permissions=MEDIA_CONTRIBUTE,
)
register_role(
    POLICY_REVIEWER,
    _("Policy reviewer"),
    _("政策法规科: reviews policies together with their interpretation plans."),
)
register_role(
    LEADER,
    _("Leader in charge"),
    _("分管领导: signs off publication (签发)."),
)
register_role(
    SITE_ADMIN,
    _("Site administrator"),
    _("信息中心: runs the site, its users and its settings. Must use a second factor."),
    [
        "wagtailadmin.access_admin",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "auth.view_user",
        "auth.change_group",
        "auth.view_group",
        "org.change_bureau",
        "org.add_department",
        "org.change_department",
        "org.delete_department",
        "org.add_staffprofile",
        "org.change_staffprofile",
        "org.delete_staffprofile",
        "org.view_staffprofile",
        "org.add_responsibility",
        "org.change_responsibility",
        "org.delete_responsibility",
        "core.add_calendaryear",
        "core.change_calendaryear",
        "core.delete_calendaryear",
        "wagtailcore.add_site",
        "wagtailcore.change_site",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
    ],
    page_permissions=[
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ],
    collection_permissions=MEDIA_MANAGE,
)


def sync_roles(verbosity: int = 1) -> list[str]:
    """Create or update one group per role with exactly its permissions.

    Returns the permissions that do not exist (yet), so a typo cannot pass
    silently. Group names are the Chinese role names.
    """
    from django.contrib.auth.models import Group, Permission
    from django.utils import translation

    from .models import RoleGroup

    missing: list[str] = []
    with translation.override("zh-hans"):
        for role in roles():
            link = RoleGroup.objects.select_related("group").filter(code=role.code).first()
            name = str(role.name)
            if link is None:
                group, _created = Group.objects.get_or_create(name=name)
                link = RoleGroup.objects.create(code=role.code, group=group)
            elif link.group.name != name:
                link.group.name = name
                link.group.save(update_fields=["name"])
            perms = []
            for dotted in sorted(role.permissions):
                app_label, codename = dotted.split(".", 1)
                perm = Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).first()
                if perm is None:
                    missing.append(dotted)
                else:
                    perms.append(perm)
            link.group.permissions.set(perms)
            missing += _sync_page_permissions(link.group, role.page_permissions)
            missing += _sync_collection_permissions(link.group, role.collection_permissions)
    return missing


def _sync_page_permissions(group, codenames: set[str]) -> list[str]:
    """Give `group` exactly `codenames` over the tree root (so over every page)."""
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:
        return []
    missing = []
    wanted = []
    for codename in sorted(codenames):
        perm = Permission.objects.filter(
            content_type__app_label="wagtailcore", codename=codename
        ).first()
        if perm is None:
            missing.append(f"wagtailcore.{codename}")
        else:
            wanted.append(perm)
    GroupPagePermission.objects.filter(group=group, page=root).exclude(
        permission__in=wanted
    ).delete()
    for perm in wanted:
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=perm)
    return missing


def _sync_collection_permissions(group, dotted: set[str]) -> list[str]:
    """Give `group` exactly `dotted` over the root collection (so over every collection)."""
    from django.contrib.auth.models import Permission
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    if root is None:
        return []
    missing = []
    wanted = []
    for name in sorted(dotted):
        app_label, codename = name.split(".", 1)
        perm = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if perm is None:
            missing.append(name)
        else:
            wanted.append(perm)
    GroupCollectionPermission.objects.filter(group=group, collection=root).exclude(
        permission__in=wanted
    ).delete()
    for perm in wanted:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root, permission=perm
        )
    return missing


def sync_roles_after_migrate(sender, **kwargs):
    """Run once per migrate, after every app has created its permissions."""
    from django.apps import apps

    last = [c for c in apps.get_app_configs() if c.models_module is not None][-1]
    if sender is last:
        sync_roles()


def user_has_role(user, code: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.groups.filter(role_link__code=code).exists()
