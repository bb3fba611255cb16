"""What goes in and out of the platform as files: today the bulk issuance file (CSV or JSON)."""

from credstack.formats.bulk import BulkFile, BulkRow, RowProblem, read_bulk_file

__all__ = ["BulkFile", "BulkRow", "RowProblem", "read_bulk_file"]
