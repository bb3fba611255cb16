"""The HTTP front door: FastAPI routers over the services (``create_app`` in ``credstack.app``).

Front doors parse, authorise, call one service and render; only ``api.problems`` turns
``credstack.errors`` into HTTP statuses (RFC 9457 problem+json).
"""
