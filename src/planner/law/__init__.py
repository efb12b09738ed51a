"""Law as data: the competency framework (positions, rules, dated versions), conditions, legal references and the attributes of an official that conditions read."""
