"""Output: results directories (``store``), ``report.md`` (``report``) and figures (``figures``).
Only this package and the command line touch the disk."""
