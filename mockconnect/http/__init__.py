"""The HTTP layer: the Flask app, thin views, Jackson-style bodies, the one error table, admin API, security."""
