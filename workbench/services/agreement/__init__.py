"""Agreement between coders and the review that adjudicates their disagreements into a consensus layer."""
