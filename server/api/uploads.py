"""The few routes whose bodies carry files, and how large those may be."""

from __future__ import annotations

from flask import request

from server.domain.other_books import MAX_OTHER_BOOK_BYTES

# A bank file in a JSON body (base64 adds a third): larger than the API's other bodies.
MAX_FILE_BYTES = 15 * 1024 * 1024
# Several bank files at once (server/api/import_batches.py): their bytes in all.
MAX_BATCH_BYTES = 4 * MAX_FILE_BYTES
# A whole book as JSON: about 300 bytes a transaction, so some million transactions (read a
# piece at a time: see `book_read`).
MAX_BOOK_FILE_BYTES = 512 * 1024 * 1024
_LIMITS = {
    "imports.preview": MAX_FILE_BYTES * 4 // 3 + 64 * 1024,
    "imports.create": MAX_FILE_BYTES * 4 // 3 + 64 * 1024,
    "book_files.load": MAX_BOOK_FILE_BYTES,
    "import_batches.preview": MAX_BATCH_BYTES * 4 // 3 + 256 * 1024,
    "import_batches.create": MAX_BATCH_BYTES * 4 // 3 + 256 * 1024,
    "other_books.bring": MAX_OTHER_BOOK_BYTES * 4 // 3 + 64 * 1024,
}


def allow_large_uploads() -> None:
    """Raise the body limit for the routes that carry a file (before anything reads it)."""
    limit = _LIMITS.get(request.endpoint or "")
    if limit:
        request.max_content_length = limit
