"""Share images (分享图): a PNG card with the bureau, the title, the essentials and a QR code.

1200 × 630 pixels, the size OpenGraph readers (WeChat, Weibo, most others) show large. The
text is set in Debian's Noto Sans CJK (`fonts-noto-cjk`), found through fontconfig when
first needed; the QR code (the `qrcode` package) holds the record's absolute URL.
"""

from __future__ import annotations

import functools
import hashlib
import io
import shutil
import subprocess
from dataclasses import dataclass

import qrcode
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from .registry import Essential

WIDTH, HEIGHT = 1200, 630
MARGIN = 60
BAND = 104
QR_SIZE = 300
RED = (179, 18, 27)
INK = (28, 33, 41)
MUTED = (74, 83, 97)
LINE = (214, 220, 228)
WHITE = (255, 255, 255)
# A line may not begin with closing punctuation (避头点) nor end with an opening one.
NO_LINE_START = set("，。、；：？！）》」』】〕”’…%,.;:?!)")
NO_LINE_END = set("（《「『【〔“‘(")
CACHE_SECONDS = 24 * 3600


class ShareFontMissing(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class Card:
    heading: str  # the bureau
    title: str
    essentials: tuple[Essential, ...]
    url: str  # what the QR code holds
    caption: str  # under the QR code

    def key(self) -> str:
        raw = repr((self.heading, self.title, self.essentials, self.url, self.caption, 1))
        return "syndication:share:" + hashlib.sha256(raw.encode()).hexdigest()


@functools.cache
def cjk_font_path(bold: bool = False) -> tuple[str, int]:
    """(file, face index) of Noto Sans CJK SC, asked of fontconfig (`fc-match`)."""
    pattern = "Noto Sans CJK SC:style=" + ("Bold" if bold else "Regular")
    missing = (
        "The share images need the Noto Sans CJK font: install Debian's fonts-noto-cjk "
        "(apt install fonts-noto-cjk) and fontconfig. %s"
    )
    if shutil.which("fc-match") is None:
        raise ShareFontMissing(missing % "fc-match was not found.")
    result = subprocess.run(
        ["fc-match", "-f", "%{family}\n%{file}\n%{index}", pattern],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) < 3 or "CJK" not in lines[0]:
        # fc-match always answers with something: a Latin font is no answer.
        raise ShareFontMissing(missing % f"fc-match answered {result.stdout!r}.")
    return lines[1], int(lines[2] or 0)


@functools.cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path, index = cjk_font_path(bold)
    return ImageFont.truetype(path, size=size, index=index)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """`text` broken into lines no wider than `width`, at most `max_lines` (the last one
    ends with … when text is left over). Chinese breaks between any two characters; Latin
    words and numbers are kept whole where they fit."""
    tokens: list[str] = []
    for char in " ".join(text.split()):
        if (
            tokens
            and char.isascii()
            and char.isalnum()
            and tokens[-1][-1:].isascii()
            and tokens[-1][-1:].isalnum()
        ):
            tokens[-1] += char
        else:
            tokens.append(char)
    lines: list[str] = []
    line = ""
    for token in tokens:
        if font.getlength(line + token) <= width or not line:
            line += token
            continue
        if token in NO_LINE_START:
            line += token  # hang the punctuation rather than start a line with it
            continue
        carry = ""
        while line and line[-1] in NO_LINE_END:
            carry, line = line[-1] + carry, line[:-1]
        lines.append(line.rstrip())
        line = (carry + token).lstrip()
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip("，、：,") + "…"]
    return lines


def qr_image(url: str, size: int = QR_SIZE) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=10)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    # Whole pixels per module keep the code sharp (and readable by every scanner).
    modules = code.modules_count + 2 * code.border
    side = max(1, size // modules) * modules
    return image.resize((side, side), Image.Resampling.NEAREST)


def render_card(card: Card) -> bytes:
    """The PNG bytes of `card` (cached by its content: a change makes a new image)."""
    key = card.key()
    data = cache.get(key)
    if data is None:
        data = _draw(card)
        cache.set(key, data, CACHE_SECONDS)
    return data


def _draw(card: Card) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, BAND), fill=RED)
    heading_font = _font(38, bold=True)
    heading = wrap(card.heading, heading_font, WIDTH - 2 * MARGIN, 1)[0]
    draw.text((MARGIN, BAND // 2), heading, font=heading_font, fill=WHITE, anchor="lm")

    qr = qr_image(card.url)
    qr_x = WIDTH - MARGIN - qr.width
    qr_y = BAND + 56
    image.paste(qr, (qr_x, qr_y))
    caption_font = _font(24)
    draw.text(
        (qr_x + qr.width // 2, qr_y + qr.height + 14),
        card.caption,
        font=caption_font,
        fill=MUTED,
        anchor="mt",
    )

    text_width = qr_x - 2 * MARGIN + 10
    y = BAND + 48
    title_font = _font(48, bold=True)
    for line in wrap(card.title, title_font, text_width, 4):
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += 66
    y += 14
    draw.line((MARGIN, y, MARGIN + text_width, y), fill=LINE, width=2)
    y += 22
    facts_font = _font(28)
    for row in card.essentials:
        if y > HEIGHT - 60:
            break
        line = wrap(f"{row.label}：{row.value}", facts_font, text_width, 1)[0]
        draw.text((MARGIN, y), line, font=facts_font, fill=MUTED)
        y += 42
    draw.rectangle((0, HEIGHT - 12, WIDTH, HEIGHT), fill=RED)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def scan_caption() -> str:
    return _("Scan to read the original")
