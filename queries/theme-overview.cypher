// title: 主题概览 | Theme overview
// description: For each theme, how many tasks and measures it has and which units lead them.
// columns: theme_no, theme, tasks, measures, lead_units
// list-columns: lead_units
MATCH (th:Theme)-[:HAS_TASK]->(t:Task)-[:HAS_MEASURE]->(m:Measure)<-[:LEADS]-(lead:Unit)
WITH th, count(DISTINCT t) AS tasks, count(DISTINCT m) AS measures,
     collect(DISTINCT lead.name) AS lead_units
RETURN th.number AS theme_no, th.title AS theme, tasks, measures, lead_units, th.plan AS plan
ORDER BY plan, theme_no
