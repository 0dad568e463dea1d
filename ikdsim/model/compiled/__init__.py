"""Compiled inner loops of a day (numba): numpy's draws, without its per-call cost.

A day makes about a hundred small array operations; at a few microseconds each, their fixed cost
outweighed the arithmetic (issue 9). The loops here run numpy's algorithms on the same bit
generator state (`bits.py`), so a stream gives the same numbers whether a draw is made here or
by numpy, and the two can follow each other on one stream. The one exception is a binomial with
n·min(p, 1-p) > 30: Hörmann's BTRS, not numpy's BTPE (`binomial.py` says why).

Compiled code is cached beside these modules (numba's `cache=True`): compiling takes about 20 s
once per install (`python -m ikdsim.model.compiled`, which the Makefile runs after installing,
or else the first simulation); later runs load the cache. numba checks a cached function
against its own file only: after editing a module that others call (bits, binomial, sampling,
hypergeometric), remove `ikdsim/model/compiled/__pycache__` (`make clean` does).
"""
