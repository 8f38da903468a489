"""Batches: plan (what changed since the last run, by page key), run concurrently and crash-safely, or run
through a provider's Batch API. See runner.py and provider.py."""

from typing import Any

from pipeline.batch.runner import Planned, Summary, page_key, plan, run, run_batch, sweep_temp_files

__all__ = ["BatchApiRun", "Planned", "Summary", "page_key", "plan", "run", "run_batch", "sweep_temp_files"]


def __getattr__(name: str) -> Any:
    """``BatchApiRun`` is imported on first use: it brings in the OpenAI SDK, which most runs never need."""
    if name == "BatchApiRun":
        from pipeline.batch.provider import BatchApiRun

        return BatchApiRun
    raise AttributeError(name)
