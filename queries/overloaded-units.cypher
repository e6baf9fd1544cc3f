// title: 超负荷单位 | Overloaded units
// description: Units whose load score (2 x measures led + 1 x measures supported) is far above the other units', with the reason in words. The rule is the analysis': a modified z-score above the threshold, or the top N scores.
// param: threshold = 3.5 | modified z-score of the load score above which a unit is overloaded (analysis) (range: > 0)
// param: top = 0 | flag the N highest load scores instead of using the threshold; 0 = use the threshold (analysis) (range: >= 0)
// param: lang = zh | language of the reason (range: zh | en)
// columns: unit, unit_en, lead, support, load, same_month_share, reason
MATCH (u:Unit)
WHERE u.overloaded = true
WITH u, CASE $lang WHEN 'en' THEN u.reason_en WHEN 'zh' THEN u.reason_zh END AS reason
WHERE reason IS NOT NULL
RETURN u.name AS unit, u.name_en AS unit_en, u.lead_count AS lead, u.support_count AS support,
       u.load AS load, u.same_month_share AS same_month_share, reason, u.id AS unit_id
ORDER BY load DESC, unit, unit_en, unit_id
