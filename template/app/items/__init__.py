"""Items: an example domain (CRUD, cursor pages, If-Match updates, soft delete)."""
