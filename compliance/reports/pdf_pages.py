"""The PDF reports' pages: "OFFICIAL-SENSITIVE" centred at the top and bottom of every page and
"Page N of M", drawn once the number of pages is known.

Each page's drawing is held back until then (the number goes at the end of its content). A
national report runs to thousands of pages, so nothing of a page is held in memory while the others
are made: its content, compressed, and those of the canvas's settings that differ from a fresh
canvas's go to a temporary file, and memory keeps where they are in it. Once numbered, a page's
content is compressed as the PDF will store it, and the page itself (reportlab's page object, its
resources and annotations) goes back to the temporary file, until the PDF is written and each
page is read back from there as it is formatted. The bytes are those reportlab writes from pages
held in memory (tests/integration/test_pdf_report.py).
"""

from __future__ import annotations

import io
import pickle
import tempfile
import zlib
from contextlib import nullcontext
from typing import IO, Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen import canvas as pdfcanvas

MARKING = "OFFICIAL-SENSITIVE"
STREAMED = True  # write the file object by object (False: reportlab's own writer, for comparison)
_UNSET = object()
_OWN = ("_pages", "_fresh", "_spool", "_whole")  # this class's own attributes, not the page's
# Set on the canvas after it is made and the same for every page (the document template laying the
# pages out): held once in memory, not written to the temporary file with each page.
_WHOLE_DOCUMENT = ("_doctemplate",)


class _NumberedCanvas(pdfcanvas.Canvas):
    """A canvas that draws the marking and "Page N of M" when the document is saved."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._pages: list[tuple[int, int] | None] = []  # where each page's settings are in the spool
        self._whole: dict[str, Any] = {}
        self._fresh = dict(self.__dict__)  # the settings a page starts from, shared by every page
        self._spool: IO[bytes] = tempfile.TemporaryFile(prefix="report-pages-")

    def showPage(self) -> None:  # noqa: N802  (reportlab's name)
        fresh = self._fresh
        state = {
            key: value
            for key, value in self.__dict__.items()
            if key not in _OWN and key != "_code" and fresh.get(key, _UNSET) is not value
        }
        for key in _WHOLE_DOCUMENT:
            if key in state:
                self._whole[key] = state.pop(key)
        state["_code"] = _spool(self._spool, zlib.compress("\n".join(self._code).encode("utf-8"), 1))
        self._pages.append(_spool(self._spool, _dumps(state, self._spool)))
        self._startPage()

    def save(self) -> None:
        pages = self._pages
        total = len(pages)
        try:
            for n, where in enumerate(pages):
                pages[n] = None
                state = _loads(_unspool(self._spool, where), self._spool)
                self.__dict__.update({key: value for key, value in self._fresh.items() if key not in _OWN})
                self.__dict__.update(self._whole)
                self.__dict__.update(state)
                self._code = [zlib.decompress(_unspool(self._spool, state["_code"])).decode("utf-8")]
                width, height = A4
                self.setFont("Helvetica-Bold", 10)
                self.drawCentredString(width / 2, height - 12 * mm, MARKING)
                self.drawCentredString(width / 2, 10 * mm, MARKING)
                self.setFont("Helvetica", 8)
                self.drawRightString(width - 18 * mm, 10 * mm, f"Page {self._pageNumber} of {total}")
                super().showPage()
                _hold(self._doc, self._spool)
            if STREAMED:
                _save_streamed(self)
            else:
                super().save()
        finally:
            self._spool.close()


def _spool(spool: IO[bytes], data: bytes) -> tuple[int, int]:
    spool.seek(0, 2)
    at = spool.tell()
    spool.write(data)
    return at, len(data)


def _unspool(spool: IO[bytes], where: tuple[int, int]) -> bytes:
    spool.seek(where[0])
    return spool.read(where[1])


def _dumps(value: Any, spool: IO[bytes]) -> bytes:
    """`value` pickled, the temporary file it refers to (a spooled stream's) by a name."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = lambda obj: "spool" if obj is spool else None
    pickler.dump(value)
    return out.getvalue()


def _loads(data: bytes, spool: IO[bytes]) -> Any:
    """What _dumps wrote. Only ever this process's own writing: the temporary file has no name
    (tempfile.TemporaryFile), so nothing else can put there what is unpickled."""
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = lambda name: spool
    return unpickler.load()


class _HeldPage(pdfdoc.PDFObject):
    """A numbered page in the temporary file, standing for reportlab's page object in the document
    (under its name) until the PDF is written, when the page is read back to be formatted."""

    __RefOnly__ = 1

    def __init__(self, page: pdfdoc.PDFPage, spool: IO[bytes]) -> None:
        self.__InternalName__ = page.__InternalName__  # reportlab's name for it: "Page" and its number
        self._spool, self._where = spool, _spool(spool, _dumps(page, spool))

    def format(self, document: Any) -> bytes:
        return _loads(_unspool(self._spool, self._where), self._spool).format(document)


def _hold(doc: pdfdoc.PDFDocument, spool: IO[bytes]) -> None:
    """The page just added to the document, its content compressed, held in the temporary file."""
    page = doc.Pages.pages[-1]
    _compress_contents(page, spool)
    held = _HeldPage(page, spool)
    doc.Pages.pages[-1] = doc.idToObject[held.__InternalName__] = held


class _SpooledStream(pdfdoc.PDFStream):
    """A page's content stream, read back from the temporary file when the PDF is written."""

    def __init__(self, spool: IO[bytes], content: bytes | str):
        # reportlab's ASCII85 filter gives text: kept as ASCII, given back as text.
        self._text = isinstance(content, str)
        data = content.encode("ascii") if isinstance(content, str) else content
        self._spool, self._where = spool, _spool(spool, data)
        super().__init__()

    @property
    def content(self) -> bytes | str:
        data = _unspool(self._spool, self._where)
        return data.decode("ascii") if self._text else data

    @content.setter
    def content(self, value: Any) -> None:  # PDFStream.__init__ sets it to None
        if value is not None:
            raise ValueError("a spooled stream's content is in its file")


def _compress_contents(page: pdfdoc.PDFPage, spool: IO[bytes]) -> None:
    """A page's content as the PDF stores it (the filters reportlab would apply when it writes the
    file, in the same order, so the same bytes), made now: the text is let go."""
    if page.Contents or not page.stream or not page.compression:
        return
    filters = [pdfdoc.PDFBase85Encode, pdfdoc.PDFZCompress] if rl_config.useA85 else [pdfdoc.PDFZCompress]
    content = page.stream
    for encoding in reversed(filters):
        content = encoding.encode(content)
    stream = _SpooledStream(spool, content)
    stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(f.pdfname) for f in filters])
    stream.__Comment__ = "page stream"
    page.Contents = stream
    page.stream = None


# --- the file written as it is made ----------------------------------------------------------------
#
# reportlab's PDFDocument.format() collects every object's bytes in a list, joins them into one bytes
# object and only then writes the file: at the end of a national report, two copies of the whole
# file are in memory. Here the same objects, in the same order, are written to the file as each is
# formatted (their offsets kept for the cross-reference table), so the same bytes reach the file and
# none of it is held. This follows PDFDocument.format() of reportlab 4.x (tests/integration/
# test_pdf_report.py compares the two writers' files byte for byte, and fails if reportlab changes).


class _StreamedFile(pdfdoc.PDFFile):
    """reportlab's output collector, writing to the file instead of a list."""

    def __init__(self, out: IO[bytes], pdf_version: Any) -> None:
        super().__init__(pdf_version)  # the header, collected
        for data in self.strings:
            out.write(data)
        self.strings = []
        self.write = out.write

    def format(self, document: Any) -> bytes:
        return b""


def _save_streamed(canvas: pdfcanvas.Canvas) -> None:
    """What Canvas.save does (PDFDocument.SaveToFile), the file written as it is formatted."""
    if len(canvas._code):
        canvas.showPage()
    doc = canvas._doc
    if getattr(doc, "_digiSigs", None):
        raise ValueError("signed PDFs are written by reportlab's own writer")
    target = canvas._filename
    with nullcontext(target) if hasattr(target, "write") else open(target, "wb") as out:
        doc.format = lambda: _format(doc, out)  # what GetPDFData calls once it has prepared the document
        doc.GetPDFData(canvas)


def _format(doc: pdfdoc.PDFDocument, out: IO[bytes]) -> bytes:
    """PDFDocument.format(), each object written to `out` as it is formatted."""
    doc.encrypt.prepare(doc)
    doc.Reference(doc.Catalog)
    doc.Reference(doc.info)
    encrypt = doc.encrypt.info()
    encrypt_ref = doc.Reference(encrypt) if encrypt else None
    number_to_id, id_to_object, id_to_offset = doc.numberToId, doc.idToObject, doc.idToOffset
    doc.__accum__ = file = _StreamedFile(out, doc._pdfVersion)
    ids = []
    counter = 1
    while counter in number_to_id:  # objects may be added while others are formatted
        oid = number_to_id[counter]
        obj = id_to_object[oid]
        formatted = pdfdoc.PDFIndirectObject(oid, obj).format(doc)
        if not rl_config.invariant and rl_config.pdfComments:
            raise ValueError("PDF comments are written by reportlab's own writer")
        id_to_offset[oid] = file.add(formatted)
        if isinstance(obj, _HeldPage | _SpooledStream):
            # Written, and referred to by nothing else: let go (the name stays registered). The
            # pages come first and each registers its content stream, so otherwise every page's
            # stream would be in memory at once.
            id_to_object[oid] = None
        ids.append(oid)
        counter += 1
    del doc.__accum__
    if counter - 1 != len(number_to_id):
        raise ValueError(f"object {counter} is missing of {len(number_to_id)}")
    xref = pdfdoc.PDFCrossReferenceTable()
    xref.addsection(0, ids)
    at = file.add(xref.format(doc))
    trailer = pdfdoc.PDFTrailer(
        startxref=at,
        Size=len(number_to_id) + 1,
        Root=doc.Reference(doc.Catalog),
        Info=doc.Reference(doc.info),
        Encrypt=encrypt_ref,
        ID=doc.ID(),
    )
    file.add(trailer.format(doc))
    return b""
