"""Indicator releases: a year's linked tables built once, protected jointly against every
intruder, audited, then served as stored (``docs/indicators-releases.md``)."""
