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


class ChangeEvent:
    def document(self) -> Any:
        """The document after the change as the record of its collection (``quotes`` a
        :class:`kis.Quote`, ``customers`` a :class:`kis.Customer`...): kis-core's
        ``ChangeEvent::document``. None when it was removed or revoked."""
        if self.state is None:  # type: ignore[attr-defined]
            return None
        from . import _api, _runtime  # here, so that this module imports nothing of kis

        name = _api.DOCUMENT_TYPES[self.collection]  # type: ignore[attr-defined]
        return _runtime.decode_named(name, self.state)  # type: ignore[attr-defined]
