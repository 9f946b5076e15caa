"""The pages of trajectories, one module per part of the work (as ``services``)."""
