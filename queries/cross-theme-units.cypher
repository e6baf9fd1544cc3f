// title: 跨主题单位 | Cross-theme units
// description: Units whose measures span several themes, with the themes by number; widest first.
// param: min_themes = 2 | the least number of themes a unit's measures must span (range: >= 1)
// columns: unit, unit_en, themes_count, themes
// list-columns: themes
MATCH (u:Unit)-[:LEADS|SUPPORTS]->(m:Measure)<-[:HAS_MEASURE]-(:Task)<-[:HAS_TASK]-(th:Theme)
WITH u, count(DISTINCT th) AS themes_count, collect(DISTINCT toString(th.number)) AS themes
WHERE themes_count >= $min_themes
RETURN u.name AS unit, u.name_en AS unit_en, themes_count, themes, u.id AS unit_id
ORDER BY themes_count DESC, unit, unit_en, unit_id
