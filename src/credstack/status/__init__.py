"""Bitstring Status List v1.0: the compressed bit string, index allocation, list credentials.

Pure logic, no I/O: fetching and verifying a published list is the verifier's job
(``credstack.verify.status``), through a fetcher port.

>>> from credstack.status import Bitstring, allocate
>>> bits = Bitstring()
>>> bits.set(allocate(set(), len(bits)))
>>> bits.count()
1
"""

from credstack.status.allocation import allocate
from credstack.status.bitstring import MIN_LENGTH, Bitstring
from credstack.status.check import StatusEntry, StatusResult, read_status
from credstack.status.credential import status_list_credential, status_list_entry

__all__ = [
    "MIN_LENGTH",
    "Bitstring",
    "StatusEntry",
    "StatusResult",
    "allocate",
    "read_status",
    "status_list_credential",
    "status_list_entry",
]
