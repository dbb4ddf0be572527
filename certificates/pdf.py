"""The certificate as a one-page A4 PDF, drawn with ReportLab.

Everything it needs is passed in or read from storage (the work's picture,
the artist's signature): nothing is fetched at run time. Text is set in
Bitstream Vera, which ReportLab ships, embedded so any reader shows it.
"""

import io

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

INK = (0.12, 0.11, 0.09)
MUTED = (0.37, 0.34, 0.30)
VOID_RED = (0.70, 0.10, 0.10)
MARGIN = 22 * mm
PICTURE_BOX = (80 * mm, 80 * mm)
QR_SIZE = 32 * mm

pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("Vera-Bold", "VeraBd.ttf"))
pdfmetrics.registerFont(TTFont("Vera-Italic", "VeraIt.ttf"))


def qr_png(url):
    """The verification URL as a QR code, a PNG image for the page."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=4)
    buffer.seek(0)
    return buffer


def _image_reader(image_file):
    return ImageReader(image_file) if image_file is not None else None


def _fit(reader, box_width, box_height):
    width, height = reader.getSize()
    scale = min(box_width / width, box_height / height)
    return width * scale, height * scale


def _facts(certificate):
    facts = [("Title", certificate.title)]
    if certificate.year:
        facts.append(("Year", str(certificate.year)))
    if certificate.medium:
        facts.append(("Medium", certificate.medium))
    if certificate.size_cm:
        facts.append(("Dimensions", f"{certificate.size_cm} ({certificate.size_in})"))
    if certificate.edition:
        facts.append(("Edition", certificate.edition))
    facts.append(("Date of sale", f"{certificate.sold_on:%-d %B %Y}"))
    facts.append(("Certificate", certificate.number))
    return facts


def render_certificate(certificate, *, verify_url, artist_name, picture=None, signature=None):
    """PDF bytes. `picture` and `signature` are open binary files (or None)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    page.setTitle(f"Certificate of authenticity {certificate.number} — {certificate.title}")
    page.setAuthor(artist_name)
    page.setSubject(verify_url)
    width, height = A4
    y = height - MARGIN

    page.setFillColorRGB(*INK)
    page.setFont("Vera-Bold", 22)
    page.drawCentredString(width / 2, y - 10 * mm, "Certificate of Authenticity")
    page.setFont("Vera", 11)
    page.setFillColorRGB(*MUTED)
    page.drawCentredString(width / 2, y - 18 * mm, artist_name)
    y -= 30 * mm

    picture_reader = _image_reader(picture)
    if picture_reader is not None:
        drawn_width, drawn_height = _fit(picture_reader, *PICTURE_BOX)
        page.drawImage(
            picture_reader, (width - drawn_width) / 2, y - drawn_height, drawn_width, drawn_height
        )
        y -= drawn_height + 12 * mm

    page.setFillColorRGB(*INK)
    for label, value in _facts(certificate):
        page.setFont("Vera", 9)
        page.setFillColorRGB(*MUTED)
        page.drawString(MARGIN, y, label.upper())
        page.setFont("Vera", 12)
        page.setFillColorRGB(*INK)
        page.drawString(MARGIN + 38 * mm, y, value)
        y -= 8 * mm

    y -= 4 * mm
    kind = (
        "an authentic print from the edition described"
        if certificate.edition
        else ("an original work")
    )
    statement = page.beginText(MARGIN, y)
    statement.setFont("Vera-Italic", 11)
    statement.textLine(f"I certify that the work described above is {kind},")
    statement.textLine(f"created by me, {artist_name}.")
    page.drawText(statement)
    y -= 24 * mm

    signature_reader = _image_reader(signature)
    if signature_reader is not None:
        drawn_width, drawn_height = _fit(signature_reader, 60 * mm, 20 * mm)
        page.drawImage(signature_reader, MARGIN, y, drawn_width, drawn_height, mask="auto")
    page.setStrokeColorRGB(*MUTED)
    page.line(MARGIN, y - 2 * mm, MARGIN + 70 * mm, y - 2 * mm)
    page.setFont("Vera", 10)
    page.drawString(MARGIN, y - 7 * mm, artist_name)

    qr_left = width - MARGIN - QR_SIZE
    page.drawImage(ImageReader(qr_png(verify_url)), qr_left, MARGIN + 8 * mm, QR_SIZE, QR_SIZE)
    page.setFont("Vera", 8)
    page.setFillColorRGB(*MUTED)
    page.drawRightString(width - MARGIN, MARGIN + 4 * mm, "Verify this certificate:")
    page.drawRightString(width - MARGIN, MARGIN, verify_url)

    if certificate.is_void:
        page.saveState()
        page.setFillColorRGB(*VOID_RED)
        page.setFont("Vera-Bold", 90)
        page.translate(width / 2, height / 2)
        page.rotate(35)
        page.drawCentredString(0, 0, "VOID")
        page.restoreState()

    page.showPage()
    page.save()
    return buffer.getvalue()
