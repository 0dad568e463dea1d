"""Plots (matplotlib, no pyplot state) and the self-contained HTML report."""
