"""Sources that fill the five ablation tables: ``demo`` (simulation) and ``measured``."""
