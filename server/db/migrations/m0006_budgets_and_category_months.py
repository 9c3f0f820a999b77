"""Released migration 6: frozen, its SQL as it ran then (see the package's docstring)."""

from __future__ import annotations

import sqlite_utils

from server.db.migrations._frozen import execute_all


def apply(db: sqlite_utils.Database) -> None:
    """Budgets per category and month, and sums per account, category and month kept by
    triggers for the reports, the budget and the dashboard."""
    execute_all(
        db,
        [
            # Money in and out per account, month and category (0: none), transfers apart.
            # Split parts count in their own categories. Kept by the triggers below in the
            # same transaction as every write to transactions or splits, whatever makes it.
            """CREATE TABLE category_months (
                account_id INTEGER NOT NULL,
                month TEXT NOT NULL,
                category_id INTEGER NOT NULL,
                transfer INTEGER NOT NULL,
                inflow INTEGER NOT NULL,
                outflow INTEGER NOT NULL,
                PRIMARY KEY (account_id, month, category_id, transfer)
            ) WITHOUT ROWID""",
            "INSERT INTO category_months "
            """
        WITH chosen AS (
            SELECT t.id, t.account_id, substr(t.date, 1, 7) AS month,
                   coalesce(t.category_id, 0) AS category_id,
                   t.transfer_id IS NOT NULL AS transfer, t.amount
            FROM transactions t WHERE true
        ), shares (account_id, month, category_id, transfer, inflow, outflow) AS (
            SELECT account_id, month, category_id, transfer, max(amount, 0), min(amount, 0)
            FROM chosen
            UNION ALL
            SELECT c.account_id, c.month, coalesce(s.category_id, 0), c.transfer,
                   max(s.amount, 0), min(s.amount, 0)
            FROM splits s JOIN chosen c ON c.id = s.transaction_id
            UNION ALL
            SELECT c.account_id, c.month, c.category_id, c.transfer,
                   CASE WHEN c.amount > 0 THEN -s.amount ELSE 0 END,
                   CASE WHEN c.amount > 0 THEN 0 ELSE -s.amount END
            FROM splits s JOIN chosen c ON c.id = s.transaction_id
        )
        SELECT account_id, month, category_id, transfer, sum(inflow) AS inflow,
               sum(outflow) AS outflow
        FROM shares
        GROUP BY account_id, month, category_id, transfer
        HAVING sum(inflow) != 0 OR sum(outflow) != 0
    """,
            # Each trigger adds (or takes away, `-`) a transaction's own amount in its category
            # (or none) of its account and month; split parts move their amounts from there to
            # their categories, out of the column the parent's amount is in, so that the parts
            # (adding up to it) leave nothing behind there, whatever their signs.
            "CREATE TRIGGER category_months_transaction_insert AFTER INSERT ON transactions BEGIN "
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT new.account_id, substr(new.date, 1, 7), coalesce(new.category_id, 0), "
            "new.transfer_id IS NOT NULL,  max(new.amount, 0),  min(new.amount, 0) WHERE true "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow; END",
            # Parts go before their transaction, while it is there to say where they were.
            "CREATE TRIGGER category_months_transaction_parts BEFORE DELETE ON transactions BEGIN "
            "DELETE FROM splits WHERE transaction_id = old.id; END",
            # A whole book going: its accounts may be gone first, and their sums with them.
            "CREATE TRIGGER category_months_transaction_delete AFTER DELETE ON transactions BEGIN "
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT old.account_id, substr(old.date, 1, 7), coalesce(old.category_id, 0), "
            "old.transfer_id IS NOT NULL, - max(old.amount, 0), - min(old.amount, 0) "
            "WHERE EXISTS (SELECT 1 FROM accounts WHERE id = old.account_id) "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow; END",
            "CREATE TRIGGER category_months_transaction_update "
            "AFTER UPDATE OF account_id, date, amount, category_id, transfer_id ON transactions "
            "WHEN old.account_id IS NOT new.account_id OR old.date IS NOT new.date OR old.amount "
            "IS NOT new.amount OR old.category_id IS NOT new.category_id OR (old.transfer_id IS "
            "NULL) IS NOT (new.transfer_id IS NULL) BEGIN "
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT old.account_id, substr(old.date, 1, 7), coalesce(old.category_id, 0), "
            "old.transfer_id IS NOT NULL, - max(old.amount, 0), - min(old.amount, 0) WHERE true "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow;"
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT new.account_id, substr(new.date, 1, 7), coalesce(new.category_id, 0), "
            "new.transfer_id IS NOT NULL,  max(new.amount, 0),  min(new.amount, 0) WHERE true "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow;"
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT old.account_id, substr(old.date, 1, 7), coalesce(s.category_id, 0), "
            "old.transfer_id IS NOT NULL, - max(s.amount, 0), - min(s.amount, 0) FROM splits s "
            "WHERE s.transaction_id = old.id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow;\n"
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT old.account_id, substr(old.date, 1, 7), coalesce(old.category_id, 0), "
            "old.transfer_id IS NOT NULL, - (CASE WHEN old.amount > 0 THEN -s.amount ELSE 0 END), "
            "- (CASE WHEN old.amount > 0 THEN 0 ELSE -s.amount END) FROM splits s "
            "WHERE s.transaction_id = old.id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow;"
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT new.account_id, substr(new.date, 1, 7), coalesce(s.category_id, 0), "
            "new.transfer_id IS NOT NULL,  max(s.amount, 0),  min(s.amount, 0) FROM splits s "
            "WHERE s.transaction_id = new.id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow;\n"
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT new.account_id, substr(new.date, 1, 7), coalesce(new.category_id, 0), "
            "new.transfer_id IS NOT NULL,  (CASE WHEN new.amount > 0 THEN -s.amount ELSE 0 END),  "
            "(CASE WHEN new.amount > 0 THEN 0 ELSE -s.amount END) FROM splits s "
            "WHERE s.transaction_id = new.id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow; END",
            "CREATE TRIGGER category_months_split_insert AFTER INSERT ON splits BEGIN "
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT t.account_id, substr(t.date, 1, 7), coalesce(new.category_id, 0), "
            "t.transfer_id IS NOT NULL,  max(new.amount, 0),  min(new.amount, 0) "
            "FROM transactions t WHERE t.id = new.transaction_id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow;\n"
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT t.account_id, substr(t.date, 1, 7), coalesce(t.category_id, 0), t.transfer_id "
            "IS NOT NULL,  (CASE WHEN t.amount > 0 THEN -new.amount ELSE 0 END),  (CASE WHEN "
            "t.amount > 0 THEN 0 ELSE -new.amount END) FROM transactions t "
            "WHERE t.id = new.transaction_id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow; END",
            "CREATE TRIGGER category_months_split_delete AFTER DELETE ON splits BEGIN "
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT t.account_id, substr(t.date, 1, 7), coalesce(old.category_id, 0), "
            "t.transfer_id IS NOT NULL, - max(old.amount, 0), - min(old.amount, 0) "
            "FROM transactions t WHERE t.id = old.transaction_id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow;\n"
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT t.account_id, substr(t.date, 1, 7), coalesce(t.category_id, 0), t.transfer_id "
            "IS NOT NULL, - (CASE WHEN t.amount > 0 THEN -old.amount ELSE 0 END), - (CASE WHEN "
            "t.amount > 0 THEN 0 ELSE -old.amount END) FROM transactions t "
            "WHERE t.id = old.transaction_id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow; END",
            "CREATE TRIGGER category_months_split_update "
            "AFTER UPDATE OF transaction_id, category_id, amount ON splits BEGIN "
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT t.account_id, substr(t.date, 1, 7), coalesce(old.category_id, 0), "
            "t.transfer_id IS NOT NULL, - max(old.amount, 0), - min(old.amount, 0) "
            "FROM transactions t WHERE t.id = old.transaction_id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow;\n"
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT t.account_id, substr(t.date, 1, 7), coalesce(t.category_id, 0), t.transfer_id "
            "IS NOT NULL, - (CASE WHEN t.amount > 0 THEN -old.amount ELSE 0 END), - (CASE WHEN "
            "t.amount > 0 THEN 0 ELSE -old.amount END) FROM transactions t "
            "WHERE t.id = old.transaction_id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow;"
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT t.account_id, substr(t.date, 1, 7), coalesce(new.category_id, 0), "
            "t.transfer_id IS NOT NULL,  max(new.amount, 0),  min(new.amount, 0) "
            "FROM transactions t WHERE t.id = new.transaction_id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow;\n"
            "INSERT INTO category_months (account_id, month, category_id, transfer, inflow, "
            "outflow) "
            "SELECT t.account_id, substr(t.date, 1, 7), coalesce(t.category_id, 0), t.transfer_id "
            "IS NOT NULL,  (CASE WHEN t.amount > 0 THEN -new.amount ELSE 0 END),  (CASE WHEN "
            "t.amount > 0 THEN 0 ELSE -new.amount END) FROM transactions t "
            "WHERE t.id = new.transaction_id "
            "ON CONFLICT DO UPDATE SET inflow = inflow + excluded.inflow, outflow = outflow + "
            "excluded.outflow; END",
            "CREATE TRIGGER category_months_account_delete AFTER DELETE ON accounts BEGIN DELETE "
            "FROM category_months WHERE account_id = old.id; END",
            # What is planned per category and month, in the book's currency; with rollover
            # a category's unspent (or overspent) money carries into the next month.
            """CREATE TABLE budgets (
                category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
                month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
                amount INTEGER NOT NULL CHECK (amount BETWEEN -1000000000000000 AND 1000000000000000),
                PRIMARY KEY (category_id, month)
            ) WITHOUT ROWID""",
            "ALTER TABLE categories ADD COLUMN rollover INTEGER NOT NULL DEFAULT 0 "
            "CHECK (rollover IN (0, 1))",
        ],
    )
