"""One router per resource family; ``api.app`` mounts them."""
