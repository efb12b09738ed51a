"""Law as data: the competency framework (positions, leader groups, rules, dated versions),
conditions and legal references. (The attributes of an official that conditions read are
computed in `planner.domain.attributes`.)"""
