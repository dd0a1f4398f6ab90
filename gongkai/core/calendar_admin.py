"""Admin screens for the working-day calendar."""
