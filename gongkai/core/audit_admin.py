"""The audit log report in the admin."""
