"""Exceptions raised while choosing, configuring and loading an engine."""


class ConfigError(ValueError):
    """A configuration file or environment variable holds something unusable."""


class EngineError(ImportError):
    """The chosen engine is unknown, not installed, or breaks the backend contract."""
