"""The ontology (ip_plan.ttl) and its SHACL shapes (ip_plan_shapes.ttl), as package data."""
