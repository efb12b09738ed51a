"""Reading and writing: case.yaml and the Case it loads, strict YAML, CSV/XLSX tables, the
loaders for officials, history, units, rules and catalogs, and atomic output files."""
