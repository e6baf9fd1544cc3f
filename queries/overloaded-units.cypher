// title: 超负荷与普遍参与单位 | Overloaded and ubiquitous units
// description: Units overloaded in a plan (a share of its weighted work, 2 x measures led + 1 x measures supported, at least min_share and at least ratio times the other units' average, in a plan of at least min_measures measures) and units ubiquitous in a plan (supporting at least ubiquity of its measures and leading none: the standing list of implementers), each judged within its plan, with the reason in words naming the plan when there are several.
// param: ubiquity = 0.9 | share of a plan's measures a unit supports, leading none, to be ubiquitous in it (analysis) (range: > 0 and <= 1)
// param: min_measures = 20 | the least number of measures a plan has for its units to be judged (analysis) (range: >= 1)
// param: min_share = 0.25 | the least share of a plan's weighted work an overloaded unit carries (analysis) (range: > 0 and <= 1)
// param: ratio = 3.0 | how many times the other units' average share an overloaded unit carries (analysis) (range: >= 1)
// param: top = 0 | flag the N largest shares of each plan instead of using min_share and ratio; 0 = use them (analysis) (range: >= 0)
// param: lang = zh | language of the reason (range: zh | en)
// columns: unit, unit_en, jurisdiction, status, lead, support, load, same_month_share, reason
MATCH (u:Unit)
WHERE u.overloaded = true OR u.ubiquitous = true
WITH u, CASE WHEN u.overloaded = true THEN 'overloaded' ELSE 'ubiquitous' END AS status
WITH u, status,
     CASE status
       WHEN 'overloaded' THEN CASE $lang WHEN 'en' THEN u.reason_en WHEN 'zh' THEN u.reason_zh END
       ELSE CASE $lang WHEN 'en' THEN u.ubiquity_reason_en WHEN 'zh' THEN u.ubiquity_reason_zh END
     END AS reason
WHERE reason IS NOT NULL
RETURN u.name AS unit, u.name_en AS unit_en, u.jurisdiction AS jurisdiction, status,
       u.lead_count AS lead, u.support_count AS support, u.load AS load,
       u.same_month_share AS same_month_share, reason, u.id AS unit_id
ORDER BY status, load DESC, unit, jurisdiction, unit_en, unit_id
