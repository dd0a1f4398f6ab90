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
