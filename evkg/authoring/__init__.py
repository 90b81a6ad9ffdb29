"""Writing descriptions: the model of what a description can say (from the shapes and the ontology), the
starting templates of `evkg new`, and term look-up."""
