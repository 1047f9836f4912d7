"""QR codes of join addresses, as SVG (sharp on a projector at any size)."""

from __future__ import annotations

from functools import lru_cache

import qrcode
import qrcode.image.svg


@lru_cache(maxsize=256)
def qr_svg(data: str) -> bytes:
    """An SVG image encoding ``data`` (medium error correction, a 4-module quiet zone)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, image_factory=qrcode.image.svg.SvgPathFillImage
    )
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().to_string(encoding="unicode").encode("utf-8")
