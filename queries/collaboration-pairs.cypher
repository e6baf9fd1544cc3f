// title: 协作单位对 | Collaboration pairs
// description: Pairs of units named together in the same measures (collective units left out), with how many measures and tasks they share and the themes of those measures; closest pairs first.
// param: min_shared = 1 | the least number of shared measures a pair needs
// columns: unit_a, unit_b, shared_measures, shared_tasks, themes
// list-columns: themes
MATCH (a:Unit)-[:LEADS|SUPPORTS]->(m:Measure)<-[:LEADS|SUPPORTS]-(b:Unit)
WHERE a.collective = false AND b.collective = false AND a.id < b.id
MATCH (t:Task)-[:HAS_MEASURE]->(m)
OPTIONAL MATCH (th:Theme)-[:HAS_TASK]->(t)
WITH a, b, count(DISTINCT m) AS shared_measures, count(DISTINCT t) AS shared_tasks,
     collect(DISTINCT toString(th.number)) AS themes
WHERE shared_measures >= $min_shared
RETURN a.name AS unit_a, b.name AS unit_b, shared_measures, shared_tasks, themes
ORDER BY shared_measures DESC, unit_a, unit_b
