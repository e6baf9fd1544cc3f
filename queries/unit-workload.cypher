// title: 单位工作量 | Unit workload
// description: Measures each unit leads and supports, how many it has in all, and how many themes they span; busiest first.
// columns: unit, unit_en, kind, lead, support, total, themes
MATCH (u:Unit)-[r:LEADS|SUPPORTS]->(m:Measure)
// The theme is reached from the measure already bound. Written from the theme's side, the
// pattern made ArcadeDB scan every theme for every row (12.6 million rows at 5,000 measures).
OPTIONAL MATCH (m)<-[:HAS_MEASURE]-(:Task)<-[:HAS_TASK]-(th:Theme)
WITH u,
     count(DISTINCT CASE WHEN type(r) = 'LEADS' THEN m END) AS lead,
     count(DISTINCT CASE WHEN type(r) = 'SUPPORTS' THEN m END) AS support,
     count(DISTINCT m) AS total,
     count(DISTINCT th) AS themes
RETURN u.name AS unit, u.name_en AS unit_en, u.kind AS kind, lead, support, total, themes,
       u.id AS unit_id
ORDER BY total DESC, lead DESC, unit, unit_en, unit_id
