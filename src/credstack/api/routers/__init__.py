"""One router per resource family; ``credstack.app`` mounts them."""
