"""The page routers: one module per page family."""
