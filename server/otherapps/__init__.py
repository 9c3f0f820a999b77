"""Whole books from other finance apps, each read into a Tallybook book file.

Each reader takes the bytes a person exported from the other app and gives a `ForeignBook`:
the book file that `server.domain.book_load` makes a new book from, and the balance the other
app shows for each account, so the import can be checked against the source. Like
`server.bankfiles`, nothing here touches the database or the web.
"""
