"""Read-only conveniences on generated records, the Python spelling of kis-core's own
accessors (``Quote::current``...). ``gen_api.py`` makes each generated class of the same
name inherit from the class here; nothing here changes a value or checks one."""

from typing import Any


class Quote:
    @property
    def current(self) -> Any:
        """The latest revision (kis-core's ``Quote::current``)."""
        return self.revisions[-1]  # type: ignore[attr-defined]


class Contract:
    @property
    def current_terms(self) -> Any:
        """The terms in force: the latest version (kis-core's ``Contract::current_terms``)."""
        return self.terms[-1]  # type: ignore[attr-defined]


class AuditReport:
    @property
    def intact(self) -> bool:
        """The whole trail verifies and every document matches it."""
        return self.broken is None and not self.mismatches  # type: ignore[attr-defined]
