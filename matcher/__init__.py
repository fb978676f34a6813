"""Match funding calls to a strategy's projects and goals: German TF-IDF, eligibility, ranking."""
