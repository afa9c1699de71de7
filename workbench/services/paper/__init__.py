"""From project to paper: saturation, Table 1, the thematic map figure, the methods appendix."""
