"""Portal settings: environment variables prefixed ``PORTAL_``.

The portal is a backend-for-frontend: a *confidential* OIDC client of Keycloak (authorization
code + PKCE S256), which keeps the user's tokens in its own database and calls the services with
the user's own access token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic_settings import SettingsConfigDict

from cosar_common.settings import ServiceSettings


class PortalSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    service_name: str = "portal"
    port: int = 8000
    # The address people type; the redirect URIs of the Keycloak client are made of it.
    public_url: str = "http://127.0.0.1:8000"

    assessment_url: str = "http://127.0.0.1:8002"
    reporting_url: str = "http://127.0.0.1:8003"
    indicators_url: str = "http://127.0.0.1:8004"

    # Session lifetimes (ANSSI's recommendations for a web application holding sensitive data).
    session_idle_timeout_s: int = 30 * 60
    session_absolute_timeout_s: int = 10 * 3600
    # An access token closer than this to its expiry is refreshed before a call.
    token_refresh_margin_s: int = 30
    # Requests larger than this are refused (413) before they are read.
    max_body_bytes: int = 2 * 1024 * 1024

    @property
    def secure_cookies(self) -> bool:
        """Cookies are ``Secure`` (and ``__Host-`` prefixed) whenever people use HTTPS."""
        return urlsplit(self.public_url).scheme == "https"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def session_cookie(self) -> str:
        return "__Host-cosar_session" if self.secure_cookies else "cosar_session"

    @property
    def discovery_url(self) -> str:
        return f"{self.keycloak_url}/realms/{self.keycloak_realm}/.well-known/openid-configuration"

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/auth/callback"
