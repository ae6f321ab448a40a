"""Item pipelines, one class per step, each a thin adapter over a function in newswatch/."""
