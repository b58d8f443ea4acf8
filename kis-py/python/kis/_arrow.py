"""The Arrow PyCapsule interface, as a type: what kis returns and accepts as a table.

Every table kis returns implements ``__arrow_c_stream__``, so ``polars.DataFrame(t)``,
``pyarrow.table(t)`` and ``pandas.DataFrame(pyarrow.table(t))`` read it without copying;
every table argument accepts any object that implements it (a polars or pandas frame
through pyarrow, a pyarrow table, an arro3 table...).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class ArrowStream(Protocol):
    """An object exporting an Arrow C stream (the Arrow PyCapsule interface)."""

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any: ...


@runtime_checkable
class ArrowTable(ArrowStream, Protocol):
    """A table returned by kis: an Arrow stream with its row count and column names."""

    @property
    def num_rows(self) -> int: ...

    @property
    def column_names(self) -> list[str]: ...
