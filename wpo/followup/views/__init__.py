"""The pages of follow-up, one module per part: department visits with their follow-ups (visits),
and the problem log (problems)."""
