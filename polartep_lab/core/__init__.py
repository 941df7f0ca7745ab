"""What every feature shares: errors, settings/paths, the feature registry, outbound HTTP."""
