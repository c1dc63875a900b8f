"""Headers that harden every response."""

from flask import Flask, request
from werkzeug.wrappers import Response


def content_security_policy(image_origins: list[str]) -> str:
    """Return a policy with no script at all, no inline styles, and no foreign origins."""
    images = " ".join(["'self'", *image_origins])
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'none'",
            "style-src 'self'",
            f"img-src {images}",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ]
    )


def init_app(app: Flask) -> None:
    policy = content_security_policy(app.config.get("EXTRA_IMAGE_ORIGINS", []))

    @app.after_request
    def harden(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
