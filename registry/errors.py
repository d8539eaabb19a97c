"""Errors of the registry. Domain code raises these; the CLI and the web turn them into answers."""

from __future__ import annotations


class RegistryError(Exception):
    """Base of every error the registry reports to a user."""

    exit_code = 1


class UsageError(RegistryError):
    """The request itself is wrong (bad option, unknown format, missing file)."""

    exit_code = 2


class InputError(RegistryError):
    """Input could not be read: malformed RDF, CSV or Excel, unsafe or too large."""

    exit_code = 1


class DocumentError(RegistryError):
    """Input parsed, but cannot be split into documents of this registry."""

    exit_code = 1


class ValidationFailed(RegistryError):
    """One or more documents do not conform to the shapes; carries the reports."""

    exit_code = 1

    def __init__(self, message: str, reports: list | None = None):
        super().__init__(message)
        self.reports = reports or []


class StoreError(RegistryError):
    """The store cannot be opened or used (locked, missing, corrupt)."""

    exit_code = 1


class QueryDefinitionError(RegistryError):
    """A named query file is malformed: its header, its parameters or its SPARQL."""

    exit_code = 1
