"""Reporters: findings in, text out.  Every reporter prints only masked secrets."""
