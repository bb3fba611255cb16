"""The PostgreSQL task queue (procrastinate) keeps one waiting job per webhook delivery and per
message: the clock of every server and worker asks for each due one, and a delivery asked for
while its job waits is not queued again. Other tasks (copies of a bulk job) are queued each time.
"""

from __future__ import annotations

from sqlalchemy import text

from credstack.bootstrap import Platform


def waiting(platform: Platform, task: str) -> int:
    with platform.engine.connect() as connection:
        found: int = connection.execute(
            text(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = :task "
                "AND status = 'todo'"
            ),
            {"task": task},
        ).scalar_one()
    return found


def test_a_delivery_or_message_waits_once_in_the_queue(postgres_platform: Platform) -> None:
    dispatch = postgres_platform.dispatch
    assert dispatch is not None
    for delay in (0.0, 0.0, 5.0):
        dispatch("deliver_webhook", {"delivery_id": "d-1"}, delay)
        dispatch("send_mail", {"message_id": "m-1"}, delay)
    dispatch("deliver_webhook", {"delivery_id": "d-2"})
    dispatch("run_bulk_job", {"job_id": "j-1"})
    dispatch("run_bulk_job", {"job_id": "j-1"})
    assert waiting(postgres_platform, "deliver_webhook") == 2
    assert waiting(postgres_platform, "send_mail") == 1
    assert waiting(postgres_platform, "run_bulk_job") == 2
    # Once a worker took the job, the delivery may be queued again (its retry).
    with postgres_platform.engine.begin() as connection:
        connection.execute(
            text("DELETE FROM procrastinate_jobs WHERE task_name = 'deliver_webhook'")
        )
    dispatch("deliver_webhook", {"delivery_id": "d-1"}, 5.0)
    assert waiting(postgres_platform, "deliver_webhook") == 1
