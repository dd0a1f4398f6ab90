"""Public API of the catalogue (政府信息公开目录): /api/v1/catalog/.

Only what the public site shows is returned (see `api_selectors`). Query
parameters are accepted as text and parsed here, as in core/api.py, so that a
bad value gets a 400 with a Chinese `detail` rather than the framework's
English 422; the OpenAPI document still gives each parameter its real type,
range and choices (`_documented`), and the parser enforces exactly those.
"""

import html
import re
from datetime import date
from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import register_converter
from django.urls.converters import PathConverter
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import WithJsonSchema
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from gongkai.core.docnumber import DocNumberError, normalise_doc_number
from gongkai.core.urls import absolute_links, absolute_url, page_url
from gongkai.org.models import Bureau

from . import api_selectors
from .choices import DisclosureItem, Validity
from .models import INDEX_NUMBER_RE, CatalogColumnPage, CatalogRecord

PREFIX = "catalog"
router = Router(tags=["公开目录 catalogue"])

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 2**31 - 1
MAX_ID = 2**63 - 1  # the largest primary key SQLite and PostgreSQL can hold
MAX_YEAR = 9999
MAX_TEXT = 200
ORDERINGS: dict[str, tuple[str, ...]] = {
    "-publication_date": ("-publication_date", "-first_published_at", "-pk"),
    "publication_date": ("publication_date", "first_published_at", "pk"),
    "title": ("title", "pk"),
}
DEFAULT_ORDERING = "-publication_date"


def _documented(schema: dict[str, Any]) -> Any:
    """A query parameter read as text, shown in OpenAPI with its real JSON schema."""
    return Annotated[str | None, WithJsonSchema(schema)]


def _id_param(description: str) -> Any:
    return _documented(
        {"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": description}
    )


def _text_param(description: str) -> Any:
    return _documented({"type": "string", "maxLength": MAX_TEXT, "description": description})


# ---------------------------------------------------------------- schemas


class Error(Schema):
    detail: str


class ColumnRef(Schema):
    id: int
    title: str


class TopicRef(Schema):
    id: int
    name: str
    parent_id: int | None
    parent_name: str | None


class GenreRef(Schema):
    id: int
    name: str


class DepartmentRef(Schema):
    code: str
    name: str


class RecordLink(Schema):
    index_number: str
    title: str
    url: str | None


class AttachmentOut(Schema):
    title: str
    file_name: str
    size: int | None = Field(description="bytes; null if the file is missing")
    content_type: str = Field(description="guessed from the file name's extension")
    url: str = Field(description="absolute download URL")


class RecordOut(Schema):
    id: int
    index_number: str = Field(description="索引号, e.g. MB1C12345/2019-00012")
    title: str
    url: str | None = Field(description="absolute URL of the public page")
    column: ColumnRef | None
    topic: TopicRef | None = Field(description="主题分类")
    genre: GenreRef | None = Field(description="体裁")
    publisher: str = Field(description="发布机构")
    doc_number: str = Field(description="文号, e.g. 毕人社发〔2019〕12号; empty if none")
    written_date: date | None = Field(description="成文日期")
    publication_date: date | None = Field(description="发布日期")
    validity: str = Field(description="有效性: valid, expired or repealed")
    validity_display: str
    replaced_by: RecordLink | None
    replaces: list[RecordLink]
    keywords: str = Field(description="主题词")
    summary: str = Field(description="内容概述")
    disclosure_item: str = Field(description="条例 第20条 item")
    disclosure_item_display: str
    department: DepartmentRef | None
    attachments: list[AttachmentOut]


class RecordDetailOut(RecordOut):
    body_html: str = Field(description="the body as HTML; its links and images are absolute URLs")
    body_text: str


class TopicOut(Schema):
    id: int
    name: str
    parent_id: int | None


class ColumnOut(Schema):
    id: int
    title: str
    url: str | None
    parent_id: int | None = Field(description="the enclosing column; null at the top level")


class DisclosureItemOut(Schema):
    code: str
    name: str
    count: int = Field(description="number of public records")


class RecordFilters(Schema):
    column: _id_param("page id of a column: records anywhere under it") = None
    topic: _id_param("topic class id; a top-level class includes its sub-classes") = None
    genre: _id_param("genre id") = None
    department: _text_param("department code") = None
    year: _documented(
        {"type": "integer", "minimum": 1, "maximum": MAX_YEAR, "description": "publication year"}
    ) = None
    validity: _documented(
        {"type": "string", "enum": list(Validity.values), "description": "有效性"}
    ) = None
    disclosure_item: _documented(
        {"type": "string", "enum": list(DisclosureItem.values), "description": "条例 第20条 item"}
    ) = None
    doc_number: _text_param("文号 in any bracket form: 〔2019〕, [2019], (2019), （2019）") = None
    q: _text_param("words in the title") = None
    ordering: _documented(
        {"type": "string", "enum": list(ORDERINGS), "default": DEFAULT_ORDERING}
    ) = None


# ---------------------------------------------------------------- parsing


def _single(request: HttpRequest, names: list[str]) -> None:
    for name in names:
        if len(request.GET.getlist(name)) > 1:
            raise HttpError(
                400, _("The parameter “%(name)s” is given more than once.") % {"name": name}
            )


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def _whole(value: str, name: str, *, minimum: int, maximum: int) -> int:
    if not re.fullmatch(r"-?[0-9]{1,20}", value):
        raise HttpError(
            400,
            _("%(name)s: “%(value)s” is not a whole number.")
            % {"name": name, "value": _shown(value)},
        )
    number = int(value)
    if not minimum <= number <= maximum:
        raise HttpError(
            400,
            _("%(name)s: must be between %(minimum)s and %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum},
        )
    return number


def _text(value: str, name: str) -> str:
    if len(value) > MAX_TEXT:
        raise HttpError(
            400, _("%(name)s: at most %(max)s characters.") % {"name": name, "max": MAX_TEXT}
        )
    if "\x00" in value:
        raise HttpError(
            400, _("%(name)s: the value contains a character that is not allowed.") % {"name": name}
        )
    return value.strip()


def _choice(value: str, name: str, choices: list[str]) -> str:
    if value not in choices:
        raise HttpError(
            400,
            _("%(name)s: “%(value)s” is not one of: %(choices)s.")
            % {"name": name, "value": _shown(value), "choices": ", ".join(choices)},
        )
    return value


def _filter_records(request: HttpRequest, f: RecordFilters) -> QuerySet[CatalogRecord]:
    _single(request, [*RecordFilters.model_fields, "limit", "offset"])
    records = api_selectors.api_records()
    if f.column is not None:
        column_id = _whole(f.column, "column", minimum=1, maximum=MAX_ID)
        column = api_selectors.live_column(column_id)
        if column is None:
            raise HttpError(
                400,
                _("%(name)s: no live column has the id %(id)s.")
                % {"name": "column", "id": column_id},
            )
        records = records.descendant_of(column)
    if f.topic is not None:
        topic_id = _whole(f.topic, "topic", minimum=1, maximum=MAX_ID)
        topic = api_selectors.topic_classes().filter(pk=topic_id).first()
        if topic is None:
            raise HttpError(
                400,
                _("%(name)s: no topic class has the id %(id)s.")
                % {"name": "topic", "id": topic_id},
            )
        records = records.filter(Q(topic=topic) | Q(topic__parent=topic))
    if f.genre is not None:
        genre_id = _whole(f.genre, "genre", minimum=1, maximum=MAX_ID)
        if not api_selectors.genres().filter(pk=genre_id).exists():
            raise HttpError(
                400, _("%(name)s: no genre has the id %(id)s.") % {"name": "genre", "id": genre_id}
            )
        records = records.filter(genre_id=genre_id)
    if f.department is not None:
        code = _text(f.department, "department")
        if code:
            if not api_selectors.department_exists(code):
                raise HttpError(
                    400,
                    _("%(name)s: no department has the code “%(code)s”.")
                    % {"name": "department", "code": _shown(code)},
                )
            records = records.filter(department__code=code)
    if f.year is not None:
        year = _whole(f.year, "year", minimum=1, maximum=MAX_YEAR)
        records = records.filter(publication_date__year=year)
    if f.validity is not None:
        records = records.filter(validity=_choice(f.validity, "validity", Validity.values))
    if f.disclosure_item is not None:
        item = _choice(f.disclosure_item, "disclosure_item", DisclosureItem.values)
        records = records.filter(disclosure_item=item)
    if f.doc_number is not None:
        text = _text(f.doc_number, "doc_number")
        if text:
            try:
                records = records.filter(doc_number=normalise_doc_number(text))
            except DocNumberError:
                # Not a 文号, so no record carries it: an empty result, not an error.
                records = records.none()
    if f.q is not None:
        words = _text(f.q, "q")
        if words:
            records = records.filter(title__icontains=words)
    ordering = DEFAULT_ORDERING
    if f.ordering is not None:
        ordering = _choice(f.ordering, "ordering", list(ORDERINGS))
    return records.order_by(*ORDERINGS[ordering])


# ---------------------------------------------------------------- output


def _page_url(request: HttpRequest, page: Page) -> str | None:
    """The page's public URL on SITE_URL (never the request's host: gongkai.core.urls)."""
    return page_url(page, request)


def _link(request: HttpRequest, record: CatalogRecord) -> dict[str, Any]:
    return {
        "index_number": record.index_number,
        "title": record.title,
        "url": _page_url(request, record),
    }


def _file_size(document: Any) -> int | None:
    """The size Wagtail recorded at upload, else the stored file's (not saved: a GET writes
    nothing); the published copy's size first, as that is what is downloaded; None if the
    file is missing."""
    from gongkai.files.selectors import published_size

    size = published_size(document)
    if size is not None:
        return size
    if document.file_size is not None:
        return document.file_size
    try:
        return document.file.size
    except (OSError, ValueError):
        return None


def _plain_text(body_html: str) -> str:
    """The body as text: one line per paragraph, heading, list item or table row."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", body_html)
    text = re.sub(r"(?i)</(p|h[1-6]|li|tr|div|blockquote|pre)>", "\n", text)
    text = re.sub(r"(?i)</t[dh]>", "\t", text)
    text = html.unescape(strip_tags(text))
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _record_out(
    request: HttpRequest,
    record: CatalogRecord,
    *,
    columns: dict[str, CatalogColumnPage],
    bureau_name: str,
    detail: bool = False,
) -> dict[str, Any]:
    column = columns.get(record.path[: -Page.steplen])
    topic = record.topic
    attachments = []
    for attachment in record.attachments.all():
        document = attachment.document
        attachments.append(
            {
                "title": attachment.title or document.title,
                "file_name": document.filename,
                "size": _file_size(document),
                "content_type": document.content_type,
                "url": absolute_url(document.url),
            }
        )
    data = {
        "id": record.pk,
        "index_number": record.index_number,
        "title": record.title,
        "url": _page_url(request, record),
        "column": {"id": column.pk, "title": column.title} if column else None,
        "topic": {
            "id": topic.pk,
            "name": topic.name,
            "parent_id": topic.parent_id,
            "parent_name": topic.parent.name if topic.parent_id else None,
        }
        if topic
        else None,
        "genre": {"id": record.genre.pk, "name": record.genre.name} if record.genre else None,
        "publisher": record.publisher or bureau_name,
        "doc_number": record.doc_number,
        "written_date": record.written_date,
        "publication_date": record.publication_date,
        "validity": record.validity,
        "validity_display": str(record.get_validity_display()),
        "replaced_by": _link(request, record.replaced_by) if record.replaced_by else None,
        "replaces": [_link(request, old) for old in record.replaces.all()],
        "keywords": record.keywords,
        "summary": record.summary,
        "disclosure_item": record.disclosure_item,
        "disclosure_item_display": str(record.get_disclosure_item_display()),
        "department": {"code": record.department.code, "name": record.department.name}
        if record.department
        else None,
        "attachments": attachments,
    }
    if detail:
        body_html = expand_db_html(record.body)
        data["body_html"] = absolute_links(body_html)
        data["body_text"] = _plain_text(body_html)
    return data


def _records_out(
    request: HttpRequest, records: list[CatalogRecord], *, detail: bool = False
) -> list[dict[str, Any]]:
    columns = api_selectors.record_columns(records)
    bureau_name = Bureau.load(request_or_site=request).name
    return [
        _record_out(request, record, columns=columns, bureau_name=bureau_name, detail=detail)
        for record in records
    ]


class RecordPagination(LimitOffsetPagination):
    """ninja's limit/offset pagination, with a Chinese 400 for a bad limit or offset.

    It also turns the page of records into their API form, so that the columns
    and the bureau are read once per page rather than once per record.
    """

    class Input(Schema):
        limit: _documented(
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}
        ) = None
        offset: _documented(
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}
        ) = None

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="number of matching records")
        limit: int
        offset: int

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        limit = DEFAULT_LIMIT
        if pagination.limit is not None:
            limit = _whole(pagination.limit, "limit", minimum=1, maximum=MAX_LIMIT)
        offset = 0
        if pagination.offset is not None:
            offset = _whole(pagination.offset, "offset", minimum=0, maximum=MAX_OFFSET)
        page = list(queryset[offset : offset + limit])
        return {
            "items": _records_out(request, page),
            "count": queryset.count(),
            "limit": limit,
            "offset": offset,
        }


# ---------------------------------------------------------------- routes


@router.get(
    "/records",
    response={200: list[RecordOut], 400: Error},
    summary="公开目录：已主动公开的政府信息（可筛选、分页）",
)
@paginate(RecordPagination)
def records(request: HttpRequest, filters: Query[RecordFilters]):
    return _filter_records(request, filters)


def _not_found(message: str) -> HttpError:
    return HttpError(404, message)


@router.get(
    "/records/id/{int:record_id}",
    response={200: RecordDetailOut, 404: Error},
    summary="按 ID 取一条已公开的政府信息",
)
def record_by_id(request: HttpRequest, record_id: int):
    record = api_selectors.public_record_by_id(record_id) if record_id <= MAX_ID else None
    if record is None:
        raise _not_found(_("No public record has the id %(id)s.") % {"id": record_id})
    return _records_out(request, [record], detail=True)[0]


class AnyTextConverter(PathConverter):
    """Django's `path` converter, newlines included: any text after /records/ that is not
    an index number must get this API's JSON 404, not the site's HTML one."""

    regex = r"[\s\S]+"


register_converter(AnyTextConverter, "catalog_text")

IndexNumber = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": INDEX_NUMBER_RE,
            "description": "索引号, e.g. MB1C12345/2019-00012 (the slash is part of it)",
        }
    ),
]


@router.get(
    "/records/{catalog_text:index_number}",
    response={200: RecordDetailOut, 404: Error},
    summary="按索引号取一条已公开的政府信息",
)
def record_by_index_number(request: HttpRequest, index_number: IndexNumber):
    record = api_selectors.public_record_by_index_number(index_number)
    if record is None:
        raise _not_found(
            _("No public record has the index number “%(index_number)s”.")
            % {"index_number": _shown(index_number)}
        )
    return _records_out(request, [record], detail=True)[0]


@router.get("/topics", response=list[TopicOut], summary="主题分类（两级）")
def topics(request: HttpRequest):
    return list(api_selectors.topic_classes())


@router.get("/genres", response=list[GenreRef], summary="体裁 / 公文种类")
def genres(request: HttpRequest):
    return list(api_selectors.genres())


@router.get("/columns", response=list[ColumnOut], summary="栏目树")
def columns(request: HttpRequest):
    columns = list(api_selectors.public_columns())
    ids = {column.path: column.pk for column in columns}
    return [
        {
            "id": column.pk,
            "title": column.title,
            "url": _page_url(request, column),
            "parent_id": ids.get(column.path[: -Page.steplen]),
        }
        for column in columns
    ]


@router.get(
    "/disclosure-items",
    response=list[DisclosureItemOut],
    summary="条例第二十条法定主动公开事项及各项已公开信息数",
)
def disclosure_items(request: HttpRequest):
    counts = api_selectors.disclosure_item_counts()
    return [
        {"code": code, "name": str(name), "count": counts.get(code, 0)}
        for code, name in DisclosureItem.choices
    ]
