"""Save As asks about the file it will write (QA W4-8): the .prr suffix is added to the typed
name before the question whether to replace an existing file, through the real file dialog."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.ui_driver import DialogAnswer, press, read_while_open

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def opened_json(qtbot, win, tmp_path, examples_dir):
    src = tmp_path / "webshop.json"
    shutil.copy(examples_dir / "webshop.json", src)
    win.open_path(str(src))
    qtbot.waitUntil(lambda: bool(win.session.review.components), timeout=10000)
    return src


def type_name(path):
    def fill(d: QFileDialog):
        d.selectFile(str(path))
        d.accept()
    return fill


def test_typing_the_json_name_writes_a_prr_beside_it_without_a_false_question(qtbot, win, opened_json):
    before = opened_json.read_bytes()
    asked = DialogAnswer(lambda box: press(box, "No"), QMessageBox, timeout_ms=3000)
    chose = DialogAnswer(type_name(opened_json), QFileDialog)
    assert win.save_as()
    chose.check()
    assert asked.dialog is None  # webshop.json.prr does not exist: nothing to replace, no question
    target = opened_json.with_name("webshop.json.prr")
    assert win.session.path.resolve() == target.resolve()
    assert opened_json.read_bytes() == before  # the JSON is never written by Save As
    assert set(read_while_open(target).components) == set(win.session.review.components)


def test_the_replace_question_names_the_prr_that_will_be_written(qtbot, win, opened_json, tmp_path):
    target = opened_json.with_name("webshop.json.prr")
    target.write_bytes(b"not yet replaced")
    seen = {}

    def no(box):
        seen["text"] = box.text()
        press(box, "No")

    asked = DialogAnswer(no, QMessageBox)
    chose = DialogAnswer(type_name(opened_json), QFileDialog)
    again = {}

    def cancel_second(d):  # "No" opens the file dialog again, at the name typed: cancel it
        again["file"] = d.selectedFiles()
        d.reject()

    def arm_second():
        again["answer"] = DialogAnswer(cancel_second, QFileDialog)

    asked.fill = lambda box: (no(box), arm_second())
    assert not win.save_as()
    chose.check()
    asked.check()
    again["answer"].check()
    assert "webshop.json.prr already exists" in seen["text"]
    assert again["file"] and again["file"][0].endswith("webshop.json.prr")
    assert target.read_bytes() == b"not yet replaced"

    # Yes replaces that file, and only that one
    yes = DialogAnswer(lambda box: press(box, "Yes"), QMessageBox)
    chose = DialogAnswer(type_name(target), QFileDialog)
    assert win.save_as()
    chose.check()
    yes.check()
    assert set(read_while_open(target).components) == set(win.session.review.components)
