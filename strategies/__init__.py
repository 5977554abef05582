"""State strategies for migration tournaments: one module per family, discovered by
:func:`strategies.registry.project_strategies`."""
