"""COSAR web portal: the platform's front door (server-rendered pages, login through Keycloak)."""
