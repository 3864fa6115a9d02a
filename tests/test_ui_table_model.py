"""The table model's in-place update (the findings panel after every edit): against a plain oracle."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPersistentModelIndex, Qt

from prr_app.ui.table_model import Column, TableModel

COLUMNS = [Column("Id", lambda r: r["id"]), Column("Value", lambda r: str(r["v"]))]

rows_st = st.lists(st.tuples(st.sampled_from("abcdefghij"), st.integers(0, 3)), max_size=10,
                   unique_by=lambda t: t[0]).map(lambda ts: [{"id": i, "v": v} for i, v in ts])


def _texts(model):
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=rows_st, after=rows_st)
def test_rows_updated_in_place_show_the_new_rows_and_keep_each_rows_selection(qtbot, qtmodeltester, before, after):
    m = TableModel(COLUMNS, ident=lambda r: r["id"])
    m.set_rows(before)
    marks = {r["id"]: QPersistentModelIndex(m.index(k, 1)) for k, r in enumerate(before)}
    resets = []
    m.modelReset.connect(lambda: resets.append(1))
    m.set_rows(after)
    # the oracle: the table shows exactly the new rows, in their order
    assert m.rows == after
    assert _texts(m) == [[r["id"], str(r["v"])] for r in after]
    # a row the user had selected is still selected where it went; a row that went is gone
    where = {r["id"]: k for k, r in enumerate(after)}
    for rid, p in marks.items():
        if rid in where:
            assert p.isValid() and p.row() == where[rid] and p.column() == 1
        else:
            assert not p.isValid()
    assert not resets or not before  # never a reset (which loses selection and scroll) once rows were shown
    qtmodeltester.check(m)


def test_the_selected_finding_stays_selected_across_an_edits_update(qtbot):
    from PySide6.QtWidgets import QTableView

    m = TableModel(COLUMNS, ident=lambda r: r["id"])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(m)
    m.set_rows([{"id": "a", "v": 1}, {"id": "b", "v": 2}, {"id": "c", "v": 3}])
    # (not selectRow: it reads the keyboard's modifiers, and a Ctrl left "held" by an earlier test's
    # key click made it toggle instead of select)
    view.selectionModel().select(m.index(2, 0), view.selectionModel().SelectionFlag.ClearAndSelect
                                 | view.selectionModel().SelectionFlag.Rows)
    m.set_rows([{"id": "z", "v": 0}, {"id": "c", "v": 4}, {"id": "a", "v": 1}])
    sel = view.selectionModel().selectedRows()
    assert [m.data(i, Qt.ItemDataRole.DisplayRole) for i in sel] == ["c"]
    assert m.data(m.index(sel[0].row(), 1)) == "4"
