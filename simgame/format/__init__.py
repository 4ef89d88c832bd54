"""The scenario format: strict YAML reading, the model, its schema, checks and compiling."""
