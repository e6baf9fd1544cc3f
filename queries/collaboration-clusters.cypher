// title: 协作聚类 | Collaboration clusters
// description: Groups of units that work closely together (Louvain communities of the co-assignment network, seeded), each with its members, the theme most of their shared measures belong to, and how many measures they share.
// param: resolution = 2.0 | modularity resolution: higher gives smaller clusters (analysis) (range: > 0)
// param: seed = 42 | random seed of the clustering (analysis) (range: >= 0)
// columns: cluster, size, members, top_theme, shared_measures
// list-columns: members
MATCH (u:Unit)-[:IN_CLUSTER]->(c:Cluster)
WITH c, collect(u.name) AS members
RETURN c.number AS cluster, c.size AS size, members, c.top_theme AS top_theme,
       c.shared_measures AS shared_measures
ORDER BY cluster
