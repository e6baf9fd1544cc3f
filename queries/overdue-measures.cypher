// title: 逾期未完成措施 | Overdue measures
// description: Measures whose deadline month ended before the as-of day and that are not done, by unit (every unit on a late measure, lead or support): what is late and who answers for it. A table's progress column takes a measure off once it says done (已完成); a measure without one counts as not done. Ongoing, recurring and undated measures are never late.
// param: as_of = today | the day deadlines are judged by (YYYY-MM-DD, default today): a measure due in a month is late from the first day of the next (range: date)
// columns: unit, role, measure_id, measure, deadline, status, plan
MATCH (u:Unit)-[r:LEADS|SUPPORTS]->(m:Measure)
WHERE m.deadline IS NOT NULL AND m.deadline < substring($as_of, 0, 7)
  AND (m.progress IS NULL OR m.progress <> 'done')
RETURN u.name AS unit, CASE type(r) WHEN 'LEADS' THEN 'lead' ELSE 'support' END AS role,
       m.measure_id AS measure_id, m.text AS measure, m.deadline AS deadline,
       coalesce(m.progress, '') AS status, m.plan AS plan, m.order AS position
ORDER BY unit, deadline, plan, position, role
