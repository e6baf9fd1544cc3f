// title: 协作单位对 | Collaboration pairs
// description: Pairs of units named together in the same measures (collective units left out), with how many measures and tasks they share and the themes of those measures; closest pairs first.
// param: min_shared = 1 | the least number of shared measures a pair needs (range: >= 1)
// columns: unit_a, unit_b, shared_measures, shared_tasks, themes
// list-columns: themes
// Pairs are formed among each measure's units, not by matching the measure twice and
// filtering. That is a third of the rows, and each task and theme is looked up once.
MATCH (u:Unit)-[:LEADS|SUPPORTS]->(m:Measure)<-[:HAS_MEASURE]-(t:Task)
WHERE u.collective = false
WITH m, t, collect(DISTINCT u) AS units
WHERE size(units) > 1
OPTIONAL MATCH (t)<-[:HAS_TASK]-(th:Theme)
WITH units, m, t, toString(th.number) AS theme
UNWIND range(0, size(units) - 2) AS i
UNWIND range(i + 1, size(units) - 1) AS j
WITH units[i] AS x, units[j] AS y, m, t, theme
WITH CASE WHEN x.id < y.id THEN x ELSE y END AS a, CASE WHEN x.id < y.id THEN y ELSE x END AS b,
     m, t, theme
WITH a, b, count(DISTINCT m) AS shared_measures, count(DISTINCT t) AS shared_tasks,
     collect(DISTINCT theme) AS themes
WHERE shared_measures >= $min_shared
RETURN a.name AS unit_a, b.name AS unit_b, shared_measures, shared_tasks, themes,
       a.id AS id_a, b.id AS id_b
ORDER BY shared_measures DESC, unit_a, unit_b, id_a, id_b
