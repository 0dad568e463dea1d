"""Experiments: many runs (replicates, sweeps, sensitivity) on local processes or Dask.

Modules, each with one job:

- `runner`: run tasks on any `concurrent.futures.Executor`, in batches, keyed by task.
- `executors`: open an engine (this process, a process pool, a Dask LocalCluster or scheduler).
- `replicates`: `Runs`, the one container of many runs (every multi-run answer), and its runner
  (N replicates of several scenarios, or sequential stopping); `replicate_outputs`: its folder.
- `sweep`, `samplers`, `design`: sweep files, unit-cube samplers, expansion into checked points.
- `storage`, `driver`, `consolidate`: Parquet chunks, resume, the final sorted table.
- `summary`: per-point statistics of a finished sweep.
- `sensitivity`: SALib Sobol' and Morris through the sweep machinery.
- `progress`, `provenance`: progress bar; versions, git commit, times for manifests.
"""

from ikdsim.experiments.runner import RunRecord, RunTask, execute, run_tasks

__all__ = ["RunRecord", "RunTask", "execute", "run_tasks"]
