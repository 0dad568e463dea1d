"""Experiments: many runs (replicates, sweeps, comparisons) on local processes or Dask."""

from ikdsim.experiments.runner import RunRecord, RunTask, execute, run_tasks

__all__ = ["RunRecord", "RunTask", "execute", "run_tasks"]
