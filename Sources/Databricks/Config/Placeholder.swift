package enum DatabricksPlaceholder {}
