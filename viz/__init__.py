"""Interactive network pages (pyvis data, ipplan's offline template) and the briefing pack."""
