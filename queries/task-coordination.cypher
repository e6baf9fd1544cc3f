// title: 任务协同 | Task coordination
// description: For each task, how many units work on it, which lead it, and how many measures it has; the tasks that need the most coordination stand out.
// columns: task_no, task, units, lead_units, measures
// list-columns: lead_units
MATCH (t:Task)-[:HAS_MEASURE]->(m:Measure)<-[:LEADS|SUPPORTS]-(u:Unit)
OPTIONAL MATCH (lead:Unit)-[:LEADS]->(m)
WITH t, count(DISTINCT u) AS units, collect(DISTINCT lead.name) AS lead_units,
     count(DISTINCT m) AS measures
RETURN t.key AS task_no, t.title AS task, units, lead_units, measures,
       t.plan AS plan, t.order AS position
ORDER BY plan, position
