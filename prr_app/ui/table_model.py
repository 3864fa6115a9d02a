"""One read-only table model for every list the window shows (findings, checklist, risks, journeys).

A table is a list of rows (any objects) and a list of :class:`Column` s that say how to show
a row: its text, its sort key, its colour (never the only sign: the text says the same),
and its tool tip. Sorting and filtering are a ``QSortFilterProxyModel``'s job; sort on
:data:`SORT_ROLE`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QStyleOptionHeader

#: the role a proxy sorts on (numbers where the text would sort wrongly)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
#: the role that gives the row's key (a finding, an item key, a risk id)
KEY_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    colour: Callable[[Any], str | None] | None = None
    #: initial width in pixels; 0: the column stretches
    width: int = 0
    #: a text the column is made wide enough to show whole in the table's font (at least ``width``):
    #: pixels alone cut "◇ proposed · not met" where the font is larger or its fallback for a mark wider
    fits: str = ""


class TableModel(QAbstractTableModel):
    """Rows shown through :class:`Column` s; ``key(row)`` answers :data:`KEY_ROLE`."""

    def __init__(self, columns: list[Column], *, key: Callable[[Any], Any] | None = None,
                 tooltip: Callable[[Any], str] | None = None, ident: Callable[[Any], Any] | None = None,
                 parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.key = key
        self.tooltip = tooltip
        #: a row's identity across updates (a finding's id): with it, :meth:`set_rows` updates the
        #: table in place, and the row the user selected stays selected
        self.ident = ident
        self.rows: list = []

    def set_rows(self, rows) -> None:
        # a read-only sequence that makes its rows when asked (the checklist's 80,000 items on an
        # imported review) is kept as it is: listing it would make every row an object kept here
        if isinstance(rows, list) or not isinstance(rows, Sequence):
            rows = list(rows)
        if self.ident is None or not self.rows:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
            return
        self._update_in_place(rows)

    def _update_in_place(self, rows: list) -> None:
        """Become ``rows`` by removing the rows that went, appending those that came, moving the
        rest into their new order and telling the views which rows changed: a view keeps its
        selection, current row and scroll position (a reset loses them all, on every edit)."""
        ident = self.ident
        if not isinstance(self.rows, list):  # its rows are moved about below
            self.rows = list(self.rows)
        new_ids = [ident(r) for r in rows]
        if len(set(new_ids)) != len(new_ids):  # no identity to go by: start again
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
            return
        keep = set(new_ids)
        # 1. rows that went, in runs from the bottom up (row numbers above a run stay valid)
        k = len(self.rows)
        while k > 0:
            if ident(self.rows[k - 1]) in keep:
                k -= 1
                continue
            end = k
            while k > 0 and ident(self.rows[k - 1]) not in keep:
                k -= 1
            self.beginRemoveRows(QModelIndex(), k, end - 1)
            del self.rows[k:end]
            self.endRemoveRows()
        # 2. rows that came, at the end
        have = {ident(r) for r in self.rows}
        came = [r for r, i in zip(rows, new_ids) if i not in have]
        if came:
            n = len(self.rows)
            self.beginInsertRows(QModelIndex(), n, n + len(came) - 1)
            self.rows.extend(came)
            self.endInsertRows()
        # 3. the new order and contents; persistent indexes (the selection) follow their rows
        old_ids = [ident(r) for r in self.rows]
        if old_ids != new_ids:
            self.layoutAboutToBeChanged.emit()
            pos = {i: n for n, i in enumerate(new_ids)}
            old = self.persistentIndexList()
            self.changePersistentIndexList(old, [self.index(pos[old_ids[i.row()]], i.column())
                                                 if 0 <= i.row() < len(old_ids) else QModelIndex() for i in old])
            self.rows = rows
            self.layoutChanged.emit()
        else:
            self.rows = rows
        if rows and self.columns:
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.columns) - 1))

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows themselves: one key per row in Python's sort (a proxy model asks for two
        keys per comparison through Qt, ten times slower on a register of thousands of risks)."""
        if not 0 <= column < len(self.columns):
            return
        col = self.columns[column]
        key = col.sort if col.sort is not None else (lambda r: col.text(r) or "")
        self.layoutAboutToBeChanged.emit()
        if not isinstance(self.rows, list):  # sorted in place, its rows known by their identity
            self.rows = list(self.rows)
        old = self.persistentIndexList()
        where = {id(self.rows[i.row()]): i for i in old if 0 <= i.row() < len(self.rows)}
        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        pos = {id(r): k for k, r in enumerate(self.rows)}
        self.changePersistentIndexList(old, [self.index(pos[rid], i.column()) for rid, i in where.items()]
                                       if len(where) == len(old) else old)
        self.layoutChanged.emit()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's names
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.columns):
            return self.columns[section].header
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < len(self.columns):
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            v = col.text(row)
            return "" if v is None else str(v)
        if role == SORT_ROLE:
            return col.sort(row) if col.sort is not None else (col.text(row) or "")
        if role == Qt.ItemDataRole.ForegroundRole and col.colour is not None:
            c = col.colour(row)
            return QColor(c) if c else None
        if role == Qt.ItemDataRole.ToolTipRole and self.tooltip is not None:
            return self.tooltip(row)
        if role == KEY_ROLE and self.key is not None:
            return self.key(row)
        return None


def size_columns(view, columns: list[Column], *, grown: bool = False) -> None:
    """Fixed widths (measuring every row on every update is slow on big reviews); 0 stretches.
    ``grown``: the columns with a ``fits`` text start at their ``width``, and :func:`grow_to_rows`
    widens them to the values shown.

    Also: Tab leaves the table for the next control (the arrows move between rows), so the
    keyboard is never trapped in a table.
    """
    from PySide6.QtWidgets import QHeaderView

    view.setTabKeyNavigation(False)
    h = view.horizontalHeader()
    for i, c in enumerate(columns):
        if c.width:
            h.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            # never narrower than its header's words ("Attainable" whole, not "Attaina"), nor than ``fits``
            # (the cell's margins and the grid besides the text)
            fits = view.fontMetrics().horizontalAdvance(c.fits) + 16 if c.fits and not grown else 0
            h.resizeSection(i, max(c.width, h.sectionSizeHint(i), fits))
        else:
            h.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)


#: Rows measured when :func:`grow_to_rows` widens a column to its values (the register of a
#: 10,000-component import has as many risks: the first rows are the ones read in a meeting)
MEASURED_ROWS = 500


def grow_to_rows(view, model: "TableModel") -> None:
    """Widen each column with a ``fits`` text to show its values whole, as far as ``fits`` (its
    widest value in practice; a longer one wraps on the row's second line). Only wider, never
    narrower: a column the user widened keeps its width, and an update does not make the table jump.
    :func:`size_columns` starts such a column at ``width`` (and its header's words), so the values a
    review really has decide how much room it takes: sized to ``fits`` from the start, Owner and
    Due took 600 of 1,280 pixels for "no date" and short team names, the titles squeezed."""
    h = view.horizontalHeader()
    fm = view.fontMetrics()
    rows = model.rows[:MEASURED_ROWS] if len(model.rows) > MEASURED_ROWS else model.rows
    for i, c in enumerate(model.columns):
        if not (c.fits and c.width):
            continue
        cap = fm.horizontalAdvance(c.fits) + 16
        widest = max((fm.horizontalAdvance(str(c.text(r) or "")) for r in rows), default=0) + 16
        want = min(widest, cap)
        if want > h.sectionSize(i):
            h.resizeSection(i, want)


class SortHeader(QHeaderView):
    """A table's header whose sort arrow points the way the rows go: up (▲) for ascending, down (▼)
    for descending, as in file managers and spreadsheets. Qt draws ascending as a down arrow
    (``SortDown``), so the register, sorted by score from the highest, showed an ascending arrow."""

    def __init__(self, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)

    def initStyleOptionForIndex(self, option, logical_index: int) -> None:  # noqa: N802 - Qt's name
        super().initStyleOptionForIndex(option, logical_index)
        if self.isSortIndicatorShown() and logical_index == self.sortIndicatorSection():
            option.sortIndicator = (QStyleOptionHeader.SortIndicator.SortUp
                                    if self.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
                                    else QStyleOptionHeader.SortIndicator.SortDown)


class FilterProxy(QSortFilterProxyModel):
    """Filters rows by text; sorting is left to the :class:`TableModel` underneath (see its ``sort``)."""

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)
