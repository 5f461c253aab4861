import datetime as dt
from zoneinfo import ZoneInfo

LIMA = ZoneInfo("America/Lima")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LIMA)  # a Monday

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64
ELF = b"\x7fELF" + b"\x00" * 64
HTML = b"<!DOCTYPE html><script>alert(1)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
ZIP = b"PK\x03\x04" + b"\x00" * 64
