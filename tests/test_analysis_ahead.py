"""``analyze(parallel=True)``: work done ahead in a forked helper gives the same bytes."""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from prr_app.analysis import ahead, analyze
from prr_app.analysis import engine

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper process needs POSIX fork")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


@pytest.fixture
def spare_core(monkeypatch):
    """Pretend a core is idle (the real test of the load average depends on the machine)."""
    monkeypatch.setattr(ahead, "spare_core", lambda: True)


@pytest.fixture
def started(monkeypatch):
    """Count the helpers that really forked."""
    count = []
    orig = ahead.Ahead.__init__

    def init(self, work):
        orig(self, work)
        if self.started:
            count.append(1)

    monkeypatch.setattr(ahead.Ahead, "__init__", init)
    return count


def _generated(n):
    import bench_analysis

    return bench_analysis.generate(n)


@pytest.mark.parametrize("detail", [False, True])
def test_same_bytes_with_the_helper(spare_core, started, webshop, platform_review, detail):
    for review in (webshop, platform_review, _generated(400)):
        serial = analyze(review, detail=detail, today="2026-03-01").to_json()
        par = analyze(review, detail=detail, today="2026-03-01", parallel=True, for_json=True)
        assert par.to_json() == serial
        assert par.to_dict() == analyze(review, detail=detail, today="2026-03-01").to_dict()
    assert len(started) == 6  # the early one (checklist, availability, common cause) and the lists, per review


def test_without_for_json_the_lists_are_not_encoded_ahead(spare_core, started, webshop):
    a = analyze(webshop, today="2026-03-01", parallel=True)
    assert len(started) == 1
    assert a.to_json() == analyze(webshop, today="2026-03-01").to_json()


def test_a_failed_helper_means_the_work_is_done_here(spare_core, started, monkeypatch, webshop):
    serial = analyze(webshop, today="2026-03-01").to_json()
    monkeypatch.setattr(ahead.Ahead, "result", lambda self: None)
    assert analyze(webshop, today="2026-03-01", parallel=True, for_json=True).to_json() == serial
    assert len(started) == 2


def test_a_helper_that_raises_or_dies_gives_none():
    def boom():
        raise RuntimeError("no")

    h = ahead.Ahead(boom) if ahead.available() else None
    if h is not None and h.started:
        assert h.result() is None
        assert h.result() is None  # once
    h = ahead.Ahead(lambda: os._exit(3)) if ahead.available() else None
    if h is not None and h.started:
        assert h.result() is None


def test_a_helper_returns_its_bytes(spare_core):
    h = ahead.Ahead(lambda: b"abc" * 1000)
    assert h.started
    assert bytes(h.result()) == b"abc" * 1000
    assert h.result() is None  # taken once


def test_never_collected_helpers_are_reaped(spare_core):
    h = ahead.Ahead(lambda: b"x")
    pid = h._pid
    del h
    import gc

    gc.collect()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_packed_parts_come_back_whole(spare_core):
    for parts in ([b"", b"x" * 1000, "é".encode(), b"[]"], []):
        h = ahead.Ahead(lambda: ahead.pack(parts))
        got = h.result_parts()
        assert [got.read(i) for i in range(len(got))] == parts
        got.close()
    for bad in (ahead.pack([b"ab"]) + b"x", b"\x01"):
        assert ahead.Ahead(lambda: bad).result_parts() is None


def test_no_helper_with_another_thread_running(monkeypatch):
    monkeypatch.setattr(ahead, "spare_core", lambda: True)
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not ahead.available()
        assert not ahead.Ahead(lambda: b"x").started
    finally:
        stop.set()
        t.join()
    assert ahead.available()


def test_no_helper_without_a_spare_core(monkeypatch):
    monkeypatch.setattr(ahead, "_running", lambda: 2)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert not ahead.spare_core()
    monkeypatch.setattr(ahead, "_running", lambda: 1)
    assert ahead.spare_core()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert not ahead.spare_core()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr(ahead, "_running", lambda: 3)
    assert ahead.spare_core()
    monkeypatch.setattr(ahead, "_running", lambda: None)
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 9.0, 9.0))
    assert not ahead.spare_core()
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert ahead.spare_core() == (len(os.sched_getaffinity(0)) >= 2)


def test_the_lazy_lists_are_each_taken_once(webshop):
    a = analyze(webshop, detail=True)
    lists = engine._lazy_lists(a.spofs, a.failure_domains, a.blast_radius)
    assert len({id(x) for x in lists}) == len(lists)
    assert len(lists) > len(a.spofs)


def test_running_threads_are_read_on_linux():
    if not Path("/proc/loadavg").exists():
        pytest.skip("not Linux")
    assert ahead._running() >= 1  # this test itself runs


def test_random_reviews_give_the_same_bytes_with_helpers(monkeypatch):
    from hypothesis import HealthCheck, given, settings

    from analysis_oracle import reviews

    monkeypatch.setattr(ahead, "spare_core", lambda: True)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(reviews())
    def run(review):
        serial = analyze(review, today="2026-03-01", detail=True).to_json()
        assert analyze(review, today="2026-03-01", detail=True, parallel=True, for_json=True).to_json() == serial

    run()


def test_helpers_can_be_turned_off(monkeypatch, started, webshop):
    monkeypatch.setattr(ahead, "spare_core", lambda: True)
    monkeypatch.setenv("PRR_NO_HELPERS", "1")
    assert not ahead.available()
    analyze(webshop, parallel=True, for_json=True).to_json()
    assert started == []
    monkeypatch.setenv("PRR_NO_HELPERS", "0")
    assert ahead.available()


@pytest.mark.parametrize("detail", [False, True])
def test_write_json_writes_what_to_json_returns(spare_core, webshop, detail, monkeypatch):
    """The CLI writes the document a part at a time; the bytes are those of ``to_json``, with and
    without the helper processes, with lists longer than a part."""
    import io

    monkeypatch.setattr(engine, "_WRITE_SLICE", 7)
    review = _generated(300)
    for r in (webshop, review):
        want = analyze(r, detail=detail, today="2026-03-01").to_json()
        for parallel in (False, True):
            buf = io.BytesIO()
            analyze(r, detail=detail, today="2026-03-01", parallel=parallel, for_json=True).write_json(buf)
            assert buf.getvalue() == want
        a = analyze(r, detail=detail, today="2026-03-01")
        a.to_dict()  # plain lists from now on
        buf = io.BytesIO()
        a.write_json(buf)
        assert buf.getvalue() == want


def test_a_moment_of_activity_does_not_hide_a_spare_core(monkeypatch):
    """The runnable count is a snapshot: one busy look (a kernel thread waking) is looked at again;
    a core kept busy shows in every look."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    looks = iter([2, 1, 1])
    monkeypatch.setattr(ahead, "_running", lambda: next(looks))
    assert ahead.spare_core()
    monkeypatch.setattr(ahead, "_running", lambda: 2)
    assert not ahead.spare_core()


def test_a_helper_started_before_loading_gives_the_same_bytes(spare_core, started, tmp_path):
    """``prr analyze`` forks its first helper before the review is loaded; the helper parses the
    same bytes, so the result is the one of the plain analysis."""
    from prr_app.review.document import ReviewSource, save_review

    path = tmp_path / "r.json"
    save_review(_generated(300), path)
    source = ReviewSource(path)
    assert source.repeatable
    handle = engine.start_ahead(source.load_unchecked, seed=3)
    assert handle is not None and len(started) == 1
    path.write_text("{}")  # what the helper and this process load was read before
    review = source.load()
    load = source.load
    par = analyze(review, seed=3, today="2026-03-01", parallel=True, for_json=True, early=handle)
    assert len(started) == 2  # no second copy of the early work; the sections' helper
    assert par.to_json() == analyze(load(), seed=3, today="2026-03-01").to_json()


def test_review_source_reports_bad_files_at_once(tmp_path):
    from prr_app.errors import PrrError
    from prr_app.review.document import ReviewSource

    with pytest.raises(PrrError, match="no such file"):
        ReviewSource(tmp_path / "missing.json")
    empty = tmp_path / "empty.json"
    empty.write_text("  ")
    with pytest.raises(PrrError, match="empty"):
        ReviewSource(empty)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ')
    source = ReviewSource(broken)  # the bytes are read; parsing them is load()'s job
    with pytest.raises(PrrError, match="invalid JSON"):
        source.load()


def test_unchecked_load_is_the_checked_one(platform_review, tmp_path):
    """The helper's load skips the checks its parent runs; where they pass, the review is the same."""
    from prr_app.review.document import ReviewSource, save_review

    for review in (platform_review, _generated(200)):
        path = tmp_path / "r.json"
        save_review(review, path, overwrite=True)
        source = ReviewSource(path)
        assert source.load_unchecked() == source.load()
    prr = tmp_path / "r.prr"
    save_review(platform_review, prr)
    assert not ReviewSource(prr).repeatable
    assert ReviewSource(prr).load() == platform_review


def test_own_running_helpers_do_not_count_as_a_busy_core(monkeypatch):
    """A helper of ours on the other core ends before we do: it does not stop the next one."""
    import time

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(ahead, "_running", lambda: 2)  # this process and our helper
    assert not ahead.spare_core()

    def spin():
        end = time.monotonic() + 5
        while time.monotonic() < end:
            pass
        return b""

    h = ahead.Ahead(spin)
    try:
        deadline = time.monotonic() + 2
        while ahead._ours_running() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ahead._ours_running() == 1
        assert ahead.spare_core()
    finally:
        os.kill(h._pid, 9)
        assert h.result() is None
    assert not ahead._live


def test_packed_parts_go_to_files_pipes_and_memory(spare_core, tmp_path):
    """The helper's sections are copied to the output by the kernel when it is a file or a pipe,
    through memory otherwise; the bytes are the same."""
    import io

    parts_in = [b"[1,2]", b"", b'{"a":"' + b"x" * 300_000 + b'"}']
    h = ahead.Ahead(lambda: ahead.pack(parts_in))
    assert h.started
    parts = h.result_parts()
    assert parts is not None and len(parts) == 3
    try:
        buf = io.BytesIO()
        for i in range(3):
            parts.write_to(i, buf)
        assert buf.getvalue() == b"".join(parts_in)
        with open(tmp_path / "out", "wb") as f:
            f.write(b"<")
            for i in (2, 0):
                parts.write_to(i, f)
            f.write(b">")
        assert (tmp_path / "out").read_bytes() == b"<" + parts_in[2] + parts_in[0] + b">"
        r, w = os.pipe()
        got = bytearray()

        def drain():
            while chunk := os.read(r, 65536):
                got.extend(chunk)

        reader = threading.Thread(target=drain)
        reader.start()
        with open(w, "wb") as f:
            parts.write_to(2, f)
        reader.join()
        os.close(r)
        assert bytes(got) == parts_in[2]
    finally:
        parts.close()
    assert h.result_parts() is None  # once


def test_a_short_or_failed_result_gives_no_parts(spare_core):
    h = ahead.Ahead(lambda: ahead.pack([b"abc"])[:-1])  # a part shorter than its header says
    assert h.result_parts() is None
    h = ahead.Ahead(lambda: os._exit(4))
    assert h.result_parts() is None


def test_a_cancelled_helper_is_stopped_and_reaped(spare_core):
    import time

    h = ahead.Ahead(lambda: time.sleep(30) or b"")
    pid = h._pid
    h.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert h.result() is None
    assert pid not in ahead._live


def test_prr_analyze_on_a_bad_review_leaves_no_helper_running(tmp_path, monkeypatch):
    """The first helper is forked before the review is checked; when the checks fail, it is
    stopped, not left computing after the command has reported the error."""
    from prr_app.cli.main import main
    from prr_app.review.document import save_review

    monkeypatch.setattr(ahead, "spare_core", lambda: True)
    review = _generated(200)
    path = tmp_path / "bad.json"
    save_review(review, path)
    data = path.read_text().replace('"replicas": 2', '"replicas": -2', 1)
    path.write_text(data)
    cancelled = []
    orig = ahead.Ahead.cancel
    monkeypatch.setattr(ahead.Ahead, "cancel", lambda self: (cancelled.append(self._pid), orig(self)))
    assert main(["analyze", str(path), "--json"]) == 2
    assert len(cancelled) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(cancelled[0], os.WNOHANG)


def test_parts_go_through_memory_where_sendfile_cannot_write(spare_core, tmp_path, monkeypatch):
    """A terminal, for one, refuses sendfile: the part is then read and written as usual."""
    import errno

    def refuse(*a):
        raise OSError(errno.EINVAL, "not here")

    h = ahead.Ahead(lambda: ahead.pack([b"[1,2,3]"]))
    parts = h.result_parts()
    monkeypatch.setattr(os, "sendfile", refuse)
    with open(tmp_path / "out", "wb") as f:
        parts.write_to(0, f)
    parts.close()
    assert (tmp_path / "out").read_bytes() == b"[1,2,3]"
