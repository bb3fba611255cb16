"""What goes in and out of the platform as files: the bulk issuance file (CSV or JSON), baked
badge images (``formats.baked``), QR codes, LinkedIn links, badge images and PDF certificates."""

from credstack.formats.bulk import BulkFile, BulkRow, RowProblem, read_bulk_file

__all__ = ["BulkFile", "BulkRow", "RowProblem", "read_bulk_file"]
