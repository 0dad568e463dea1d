"""Policy answers built on replicates with common random numbers.

- `compare`: paired differences between scenarios (`ikdsim.analysis.compare`);
- `attribute`: what each lever is worth, and whether demand or capacity limits each month;
- `solve`: the smallest lever value (or latest date) reaching the target with a probability;
- `calibrate`: fit parameters to observed counts by a binomial likelihood.
"""
