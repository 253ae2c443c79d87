from django.conf import settings

from scheduling.tasks import solve_run_task


def test_time_limits_nest_solver_then_soft_then_hard_then_broker_visibility() -> None:
    assert settings.SOLVER_MAX_TIME_LIMIT_S < settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        > settings.CELERY_TASK_TIME_LIMIT
    )
    assert settings.SOLVER_STALE_AFTER_S < settings.CELERY_TASK_SOFT_TIME_LIMIT


def test_solver_runs_go_to_the_solver_queue_and_are_acknowledged_late() -> None:
    assert settings.CELERY_TASK_ROUTES["scheduling.solve_run"] == {"queue": "solver"}
    assert solve_run_task.acks_late and solve_run_task.reject_on_worker_lost
