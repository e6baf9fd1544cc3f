// title: 桥梁单位 | Brokers
// description: Units with the highest betweenness in the collaboration network: the ones that connect groups which otherwise would not work together.
// param: brokers = 5 | how many brokers the analysis keeps (analysis) (range: >= 1)
// columns: unit, unit_en, betweenness, lead, support
MATCH (u:Unit)
WHERE u.betweenness IS NOT NULL
RETURN u.name AS unit, u.name_en AS unit_en, u.betweenness AS betweenness,
       u.lead_count AS lead, u.support_count AS support, u.id AS unit_id
ORDER BY betweenness DESC, unit, unit_id
