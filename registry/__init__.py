"""pes-registry: the open-data registry of the social economy in Toruń."""

__version__ = "0.1.0"
