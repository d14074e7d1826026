"""The load harness on a real kiosk at N=2: both learners served by their own kernel, real figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tremplin.grading.bench_load import (
    LESSON_BUTTON,
    SESSION_TIMEOUT_S,
    LoadRun,
    Session,
    decode_frame,
    figures,
    open_page,
    run_load,
)
from tremplin.grading.kiosk import free_port

pytestmark = pytest.mark.slow


def test_two_learners_at_once_are_served_and_measured(data_root: Path, tmp_path: Path) -> None:
    # the plain reference (a second Voilà) is left to `make bench`: this test stays under a minute
    run = run_load(data_root / "world", tmp_path, (2,), pool_size=2, plain=False, progress=lambda _line: None)

    sessions = run.rounds[2]
    assert [s.error for s in sessions] == [None, None]
    assert len({s.kernel_id for s in sessions}) == 2  # each learner has a kernel of their own
    for session in sessions:
        assert 0 < session.page_s <= session.first_widget_s
        assert session.rss_mb > session.uss_mb > 0
    assert run.plain is None

    measured = figures(run)
    assert measured["load_errors"] == 0
    assert measured["load_p95_first_widget_s_2"] == round(max(s.first_widget_s for s in sessions), 3)
    assert measured["load_kernel_rss_mb_max"] >= measured["load_kernel_rss_mb_p95"] > 0
    assert measured["load_pool_size"] == 2
    assert set(run.cpu_seconds[2]) == {"server", "session_kernels", "refill_kernels", "client", "other"}
    assert measured["load_cpu_session_kernels_s_2"] > 0  # the learners' kernels ran their lesson
    # each visitor's learner folder was used, under the scratch data root only
    assert {p.name for p in (tmp_path / "data" / "learners").iterdir()} == {"charge-1", "charge-2"}


def test_frames_of_the_pages_protocol_are_read_as_jupyter_server_writes_them() -> None:
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    content = {"comm_id": "c", "data": {"method": "update_states"}}
    message = {"header": {"msg_type": "comm_msg"}, "parent_header": {}, "metadata": {}, "content": content}
    frame = serialize_msg_to_ws_v1(message, "iopub", lambda part: json.dumps(part).encode())
    header, read_content = decode_frame(frame)
    assert header["msg_type"] == "comm_msg"
    assert read_content()["data"]["method"] == "update_states"


def test_a_learner_nobody_serves_is_an_error_weighing_the_whole_timeout() -> None:
    lost = open_page(f"http://127.0.0.1:{free_port()}", "/", LESSON_BUTTON, timeout=2)
    assert lost.error and lost.first_widget_s is None
    served = Session(page_s=0.5, first_widget_s=0.8, kernel_id="k", rss_mb=90.0, uss_mb=40.0)
    measured = figures(LoadRun({2: [served, lost]}, pool_size=2, plain=None, seconds=3.0))
    assert measured["load_errors"] == 1
    assert measured["load_p95_first_widget_s_2"] == SESSION_TIMEOUT_S
    assert measured["load_kernel_rss_mb_p95"] == 90.0 and "load_plain_voila_first_widget_s_1" not in measured
