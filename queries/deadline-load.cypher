// title: 到期负荷 | Deadline load
// description: For each month (or open-ended deadline), how many measures each unit has falling due then; the calendar of who must deliver what when.
// columns: deadline, unit, measures
MATCH (u:Unit)-[:LEADS|SUPPORTS]->(m:Measure)
WITH coalesce(m.deadline, m.deadline_text) AS deadline, u, count(DISTINCT m) AS measures
RETURN deadline, u.name AS unit, measures
ORDER BY deadline, measures DESC, unit
