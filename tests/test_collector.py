"""render/collector: no cyclic collection while a sheet is built and drawn, and the collector put back as found."""

import gc
import sys
import threading

import pytest

from landgeo.errors import LandgeoError
from landgeo.render.collector import collector_paused
from landgeo.render.sheet import write_sheet

from .render_data import demo_inputs


def test_the_collector_is_restored_as_found_after_nesting_and_errors():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause is still open
        raise RuntimeError("a page failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_no_collection_runs_while_a_sheet_is_drawn_and_one_frees_it_after(tmp_path):
    profile, layers = demo_inputs()
    runs = []  # (generation, whether a page was being built or drawn when it started)

    def count(phase, info):
        if phase == "start":
            frame, inside = sys._getframe(1), False
            while frame is not None and not inside:
                inside = frame.f_code.co_name in ("build_sheet", "build_change_page", "save_pages")
                frame = frame.f_back
            runs.append((info["generation"], inside))

    gc.callbacks.append(count)
    try:
        out = write_sheet(profile, layers, pdf=tmp_path / "s.pdf", png=tmp_path / "s.png")
        gc.collect()
    finally:
        gc.callbacks.remove(count)
    assert [p.name for p in out] == ["s.pdf", "s.png"] and (tmp_path / "s.png").stat().st_size > 10_000
    assert [r for r in runs if r[1]] == []  # unpaused, a sheet triggers about 70 collections
    assert runs and gc.isenabled()  # the collections after it ran


def test_a_failing_sheet_leaves_the_collector_on(tmp_path):
    profile, layers = demo_inputs()
    with pytest.raises(LandgeoError):
        write_sheet(profile, layers)  # neither pdf= nor png=
    assert gc.isenabled()


def test_threads_that_overlap_still_collect_when_each_finishes_its_page():
    collected, go = [], threading.Event()

    def count(phase, info):
        if phase == "start":
            collected.append(threading.current_thread().name)

    def first():
        with collector_paused():
            go.set()
            second.join()  # the second thread finishes its page while this one is still drawing

    def second_page():
        go.wait()
        with collector_paused():
            [[] for _ in range(1000)]  # some garbage of its own

    second = threading.Thread(target=second_page, name="second")
    gc.callbacks.append(count)
    try:
        second.start()  # waits for the first thread's pause
        t = threading.Thread(target=first, name="first")
        t.start()
        t.join()
    finally:
        gc.callbacks.remove(count)
    assert "second" in collected  # it collected on its way out although the first still held the pause
    assert gc.isenabled()
