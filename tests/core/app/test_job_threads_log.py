"""A background job has no page by design: Streamlit's notice saying so stays out of the server log."""

from __future__ import annotations

import logging
import threading

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from core.app import jobs


def test_the_no_page_notice_is_left_out_for_jobs_only():
    logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    logger.addHandler(handler)
    try:
        job = jobs.start("notice-test", lambda progress: get_script_run_ctx())
        assert job.wait(10) and job.error is None
        other = threading.Thread(target=get_script_run_ctx, name="another-thread")
        other.start()
        other.join()
    finally:
        logger.removeHandler(handler)
        jobs.forget("notice-test")
    assert seen == [
        "Thread 'another-thread': missing ScriptRunContext! This warning can be ignored when running in bare mode."
    ]
