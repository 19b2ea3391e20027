"""login_audit logs each login, logout, failed login and real password change."""
