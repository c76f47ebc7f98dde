"""The Flask layer: routes, body decoding, contract checks and the one error table."""
