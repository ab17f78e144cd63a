"""Shared kernel of the COSAR platform.

Everything a service needs to be a good citizen of the platform lives here, once: settings,
verified identities (``auth``), tenant-scoped database sessions with row-level security (``db``),
versioned event contracts with a transactional outbox and an idempotent inbox (``events``),
telemetry, health checks and the application factory that wires them in a lifespan.
"""
