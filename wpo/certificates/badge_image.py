"""The badge as a PNG picture with the signed credential baked in.

Drawn with Pillow in the product's colours (the certificate's seal: an amber rosette around a blue
disc), with the skill's name and the level. Baking follows the Open Badges 3.0 baking rules: the
compact JWS goes, uncompressed, into an ``iTXt`` chunk with the keyword ``openbadgecredential``,
so a badge backpack that is handed the picture finds the credential inside and verifies it.
The page that offers the picture says in words what it shows (its text alternative).
"""

import io
import math
import textwrap

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

BAKE_KEYWORD = "openbadgecredential"
SIZE = 600
BLUE, DARK_BLUE, AMBER, WHITE = "#1d4e89", "#0b2f5b", "#f2a900", "#ffffff"


def _centred(
    draw: ImageDraw.ImageDraw, y: float, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, fill: str
) -> float:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((SIZE - (right - left)) / 2 - left, y - top), text, font=font, fill=fill)
    return y + (bottom - top)


def draw_badge(title: str, level: str, issuer_name: str) -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    middle, radius = SIZE / 2, SIZE * 0.43
    for i in range(24):
        angle = i * math.pi / 12
        x, y = middle + radius * math.cos(angle), middle + radius * math.sin(angle)
        draw.ellipse((x - 40, y - 40, x + 40, y + 40), fill=AMBER)
    draw.ellipse((middle - radius, middle - radius, middle + radius, middle + radius), fill=AMBER)
    inner = radius * 0.88
    draw.ellipse((middle - inner, middle - inner, middle + inner, middle + inner), fill=BLUE)
    small = ImageFont.load_default(size=26)
    # "Skill: sub-skill, niveau B": the skill large, the sub-skill below it smaller, the level in the seal.
    skill, _, rest = title.partition(": ")
    rest = rest.rsplit(", niveau ", 1)[0]
    y = _centred(draw, 110, "WPO", small, AMBER) + 16
    for line in textwrap.wrap(skill, width=18)[:2]:
        y = _centred(draw, y, line, ImageFont.load_default(size=38), WHITE) + 10
    for line in textwrap.wrap(rest, width=30)[:3]:
        y = _centred(draw, y + 2, line, ImageFont.load_default(size=24), WHITE) + 6
    if level:
        draw.ellipse((middle - 58, 350, middle + 58, 466), fill=AMBER, outline=WHITE, width=4)
        _centred(draw, 372, level, ImageFont.load_default(size=72), DARK_BLUE)
    else:
        # A tick, drawn: the default font has no check mark.
        draw.line([(middle - 34, 408), (middle - 8, 434), (middle + 38, 382)], fill=AMBER, width=14, joint="curve")
    _centred(draw, 482, textwrap.shorten(issuer_name, width=30, placeholder="…"), small, WHITE)
    return image


def baked_png(title: str, level: str, issuer_name: str, credential_jwt: str) -> bytes:
    """The badge picture as PNG with ``credential_jwt`` in its ``openbadgecredential`` iTXt chunk."""
    info = PngInfo()
    info.add_itxt(BAKE_KEYWORD, credential_jwt, zip=False)
    out = io.BytesIO()
    draw_badge(title, level, issuer_name).save(out, format="PNG", pnginfo=info, optimize=True)
    return out.getvalue()
