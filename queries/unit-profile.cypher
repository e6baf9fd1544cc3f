// title: 单位任务清单 | Unit profile
// description: Every measure one unit leads or supports, with its task, theme and deadline, in document order.
// param: unit | the unit's name in Chinese or English, as ipplan units shows it (required) (range: non-empty)
// columns: measure_id, measure, role, task, theme, deadline
MATCH (u:Unit)-[r:LEADS|SUPPORTS]->(m:Measure)<-[:HAS_MEASURE]-(t:Task)
WHERE u.name = $unit OR u.name_en = $unit
OPTIONAL MATCH (th:Theme)-[:HAS_TASK]->(t)
WITH m, t, th, CASE type(r) WHEN 'LEADS' THEN 'lead' ELSE 'support' END AS role
RETURN m.measure_id AS measure_id, m.text AS measure, role, t.title AS task,
       th.title AS theme, coalesce(m.deadline, m.deadline_text) AS deadline,
       m.plan AS plan, m.order AS position
ORDER BY plan, position, role
