from django import template

register = template.Library()


@register.simple_tag
def review_draft_findings(page):
    """The personal-data findings of `page`'s latest draft."""
    from ..selectors import draft_findings

    return draft_findings(page.specific.get_latest_revision_as_object())


@register.simple_tag
def review_attachment_metadata(page):
    """The hidden metadata of each attachment of `page`'s latest draft."""
    from ..selectors import draft_attachment_metadata

    return draft_attachment_metadata(page.specific.get_latest_revision_as_object())


@register.simple_tag
def review_actions(task, page, user):
    return task.specific.get_actions(page, user)


@register.filter
def local_time(value):
    """A datetime, or an ISO 8601 string from a JSON field, as "Y-m-d H:i" in the site's
    time zone (settings.TIME_ZONE, whatever zone is active); a date as "Y-m-d"."""
    from ..sheet import local_time as site_local_time

    return site_local_time(value)


@register.simple_tag
def review_sheet(record):
    """The 审查单 of `record` as data (sheet.record_sheet), for templates without a view."""
    from ..sheet import record_sheet

    return record_sheet(record)


@register.simple_tag
def review_seen(page, user):
    """Has `user` opened 查看并审核 for `page`'s latest revision (see models.RevisionSeen)?"""
    from ..selectors import revision_seen

    return revision_seen(page=page, user=user)
