"""Bitstring Status List v1.0: the compressed bit string, index allocation, list credentials."""
