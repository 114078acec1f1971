"""Reading a rendered document back as a person would: the text of a PDF's pages and where
each character sits, an image of each page, and what an HTML page shows and loads."""

from __future__ import annotations

from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pypdfium2 as pdfium
from PIL import Image, ImageOps

#: Points in a millimetre.
MM = 72 / 25.4
#: The band along every edge of a page that must stay empty: what a printer may not print
#: and a binder may cover.
OUTER_MARGIN = 10 * MM
#: Pixels per point of the page images.
SCALE = 1.5


@attrs.frozen
class Page:
    """One page of a PDF: its size in points, its text, the box of every character that
    is not a space (left, bottom, right, top, in points from the bottom left corner),
    and an image of it."""

    width: float
    height: float
    text: str
    boxes: tuple[tuple[str, tuple[float, float, float, float]], ...]
    image: Image.Image

    def ink(self) -> tuple[int, int, int, int] | None:
        """The box (left, top, right, bottom, in pixels) holding every pixel that is not
        white, or None on a blank page."""
        dark = ImageOps.invert(self.image.convert("L")).point(lambda v: 255 if v > 8 else 0)
        return dark.getbbox()


def read_pdf(pdf: bytes) -> list[Page]:
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    document = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            width, height = page.get_size()
            textpage = page.get_textpage()
            boxes = []
            for index in range(textpage.count_chars()):
                char = textpage.get_text_range(index, 1)
                if char.strip():
                    boxes.append((char, textpage.get_charbox(index)))
            image = page.render(scale=SCALE).to_pil()
            pages.append(Page(width, height, textpage.get_text_range(), tuple(boxes), image.copy()))
    finally:
        document.close()
    return pages


def compact(text: str) -> str:
    """``text`` without any white space: what is left of a cell's text however it wrapped."""
    return "".join(text.split())


def in_order(text: str, needles: Iterable[str]) -> list[str]:
    """The ``needles`` not found in ``text`` one after the other (white space ignored)."""
    haystack, at, missing = compact(text), 0, []
    for needle in needles:
        found = haystack.find(compact(needle), at)
        if found < 0:
            missing.append(needle)
        else:
            at = found + len(compact(needle))
    return missing


def save_pages(pages: list[Page], folder: Path, name: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for number, page in enumerate(pages, 1):
        path = folder / f"{name}-page{number}.png"
        page.image.save(path)
        saved.append(path)
    return saved


class HtmlPage(HTMLParser):
    """An HTML page parsed: every tag with its attributes, the text a reader sees (not the
    style sheet, not the title), and the style sheet."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.shown: list[str] = []
        self.style: list[str] = []
        self.title: list[str] = []
        self._open: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "col", "br", "img", "link", "input"):
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        where = self._open[-1] if self._open else ""
        {"style": self.style, "title": self.title}.get(where, self.shown).append(data)

    @property
    def text(self) -> str:
        return " ".join(self.shown)

    def external(self) -> list[str]:
        """Whatever would make a browser load or run something: a script, a linked or
        embedded resource, a URL in an attribute or in the style sheet."""
        found = []
        for tag, attributes in self.tags:
            if tag in ("script", "link", "iframe", "object", "embed", "img", "base", "form"):
                found.append(f"<{tag}>")
            for name, value in attributes.items():
                if name.startswith("on"):
                    found.append(f"<{tag} {name}=>")
                if name in ("src", "href", "srcset", "action", "data", "poster") and value:
                    found.append(f"<{tag} {name}={value}>")
                if name == "style" and value and ("url(" in value or "//" in value):
                    found.append(f"<{tag} style={value}>")
        sheet = "".join(self.style)
        found += [word for word in ("url(", "@import", "http:", "https:", "//") if word in sheet]
        return found
